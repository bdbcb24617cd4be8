"""What every filter form of the application shares."""

import django_filters
from django_filters import fields


class ListedChoiceIterator(fields.ModelChoiceIterator):
    """The choices of a select in one query. Django's iterator reads them through a server-side
    cursor (DECLARE, FETCH and CLOSE: three round trips), made for lists too long to hold in
    memory; a filter's list of calls, provinces or mandates is a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter, its choices read in one query."""

    field_class = ListedModelChoiceField
