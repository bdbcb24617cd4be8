"""The one date field of every form: dates typed as a Belgian writes them, in both languages;
and the decimal field of the admin: numbers typed as the active language writes them."""

import re

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _


class BelgianDateField(forms.DateField):
    """A date typed as day/month/year (31/12/2018; 2018-12-31 is read too). The formats it
    reads are the active language's DATE_INPUT_FORMATS (doorstroom/formats/), the same in both
    languages, so a date typed as a page shows it is read the same on every page."""

    widget = forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Day/month/year, e.g. 31/12/2018."))
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a date as day/month/year, e.g. 31/12/2018.")}
        )
        super().__init__(**kwargs)


class LocalDecimalField(forms.DecimalField):
    """A number typed as the active language writes it, in a text box: 1.500,50 in Dutch,
    1,500.50 in English. Django's own localized field reads the thousands separator only when
    settings.USE_THOUSAND_SEPARATOR is on (it would group years on every page), so "1.500,50"
    was refused or, in a number box, read as 15005. A group of three digits after the
    language's thousands separator is read as one; anything else is left to Django's checks."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            thousands = get_format("THOUSAND_SEPARATOR")
            integer, separator, fraction = value.partition(get_format("DECIMAL_SEPARATOR"))
            grouped = rf"[-+]?\d{{1,3}}({re.escape(thousands)}\d{{3}})+"
            if thousands and re.fullmatch(grouped, integer):
                integer = integer.replace(thousands, "")
                value = f"{integer}.{fraction}" if separator else integer
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}
