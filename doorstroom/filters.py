"""What every filter form of the application shares."""

import django_filters
from django_filters import fields


class ListedChoiceIterator(fields.ModelChoiceIterator):
    """The choices of a select in one query. Django's iterator reads them through a server-side
    cursor (DECLARE, FETCH and CLOSE: three round trips), made for lists too long to hold in
    memory; a filter's list of calls, provinces or mandates is a few dozen rows.

    A model with `LABEL_FIELDS` (the fields its `__str__` reads) has only those and the option
    value loaded: a mandate's dates and time stamps are not read for a select of its names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        queryset = self.queryset
        label_fields = getattr(queryset.model, "LABEL_FIELDS", None)
        # A queryset that follows relations (select_related) is left whole: its related rows
        # would have to be loaded too.
        if label_fields is not None and not queryset.query.select_related:
            queryset = queryset.only(*label_fields, self.field.to_field_name or "pk")
        for obj in queryset:
            yield self.choice(obj)


class ListedModelChoiceField(fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter, its choices read in one query."""

    field_class = ListedModelChoiceField
