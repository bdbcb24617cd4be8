"""The one date field of every form: dates typed as a Belgian writes them, in both languages."""

from django import forms
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
