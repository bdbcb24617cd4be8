"""The one date field, the one decimal field and the one amount field of every form: dates typed
as a Belgian writes them, in both languages; numbers and amounts typed as the pages show them in
the active language."""

import re
from decimal import Decimal

from django import forms
from django.utils.formats import get_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.formatting import format_number


class BelgianDateField(forms.DateField):
    """A date typed as day/month/year (31/12/2018; 2018-12-31 is read too). The formats it
    reads are the active language's DATE_INPUT_FORMATS (doorstroom/formats/), the same in both
    languages, so a date typed as a page shows it is read the same on every page; a date the
    form fills in is written the first of them (31/12/2018), never as 2018-12-31."""

    widget = forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Day/month/year, e.g. 31/12/2018."))
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a date as day/month/year, e.g. 31/12/2018.")}
        )
        super().__init__(**kwargs)


class LocalDecimalField(forms.DecimalField):
    """A number typed as the active language writes it, in a text box: 1.500,50 in Dutch,
    1,500.50 in English (the admin's decimal fields, and the amounts below). Django's own
    localized field reads the thousands separator only when settings.USE_THOUSAND_SEPARATOR is
    on (it would group years on every page), so "1.500,50" was refused or, in a number box, read
    as 15005. The thousands separator is read only where it groups by three, so 500,00 in English
    is "Enter a number", never 50000; anything else is left to Django's checks."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _ungrouped(value.strip())
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


def _ungrouped(value: str) -> str:
    thousands = get_format("THOUSAND_SEPARATOR")
    integer, separator, decimals = value.partition(get_format("DECIMAL_SEPARATOR"))
    if thousands and re.fullmatch(rf"[-+]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", integer):
        integer = integer.replace(thousands, "")
    return integer + separator + decimals


class AmountInput(forms.TextInput):
    """An amount the form fills in is written as the pages show it (10.219,85 in Dutch,
    10,219.85 in English); what a person typed comes back as typed."""

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_number(value, 2)
        return super().format_value(value)


def _example(amount: Decimal) -> str:
    return gettext("e.g. %(amount)s") % {"amount": format_number(amount, 2)}


class AmountField(LocalDecimalField):
    """An amount in euro as the pages show it in the active language: 10.219,85 or 10219,85 in
    Dutch, 10,219.85 or 10219.85 in English (a leading € is allowed). With `example`, the help
    shows that amount in the active language's notation."""

    widget = AmountInput

    def __init__(self, *, example: Decimal | None = None, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        if example is not None:
            kwargs.setdefault("help_text", lazy(_example, str)(example))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("€")
        return super().to_python(value)
