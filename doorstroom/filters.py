"""What every filter form of the application shares."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import fields
from django_filters.conf import settings as filter_settings

from doorstroom.forms import BelgianDateField

# The first option of every select of a filter form ("All"), set once in the settings
# (FILTERS_EMPTY_CHOICE_LABEL) and given to the forms that are not django-filter's.
ALL_LABEL = filter_settings.EMPTY_CHOICE_LABEL


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


class TypedChoiceField(fields.ChoiceIteratorMixin, forms.TypedChoiceField):
    """Django's TypedChoiceField with django-filter's empty first option ("All"): without it a
    select shows its first real choice when no filter is set, and submitting the form untouched
    filters on it (a phase forced on every search)."""

    iterator = fields.ChoiceIterator

    def __init__(self, *args, **kwargs):
        self.empty_label = kwargs.pop("empty_label", ALL_LABEL)
        super().__init__(*args, **kwargs)


class TypedChoiceFilter(django_filters.TypedChoiceFilter):
    field_class = TypedChoiceField


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty option says "All" like every other select (Django's says
    "Unknown", which reads as a third value)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", ALL_LABEL), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        formatted = super().format_value(value)
        return ["" if formatted == "unknown" else formatted]


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AllYesNoSelect)
        super().__init__(*args, **kwargs)


class DateFilter(django_filters.DateFilter):
    """A date filter with the application's one date field."""

    field_class = BelgianDateField
