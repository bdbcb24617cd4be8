"""Publishable figures cover whole months (a month, a quarter, a year, or a run of months).

Two tables of periods a day apart differ by the trajectories of that day: "up to 29/01" and
"up to 30/01" give away the one trajectory started on the 30th, whatever each table hides. A
published period therefore starts on the first day of a month and ends on the last day of one.
Internal documents (the provider statement) keep day precision.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

FROM_HELP = _("The first day of a month: published figures cover whole months.")
TO_HELP = _("The last day of a month: published figures cover whole months.")


def is_month_start(day: dt.date) -> bool:
    return day.day == 1


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def check_whole_months(cleaned: dict, *, start: str = "date_from", end: str = "date_to") -> None:
    """Raise a ValidationError on the field of a day that is not a month's first or last."""
    errors = {}
    if cleaned.get(start) and not is_month_start(cleaned[start]):
        errors[start] = _(
            "Published figures cover whole months: start on the first day of a month "
            "(for example 01/%(month)s)."
        ) % {"month": f"{cleaned[start]:%m/%Y}"}
    if cleaned.get(end) and not is_month_end(cleaned[end]):
        errors[end] = _(
            "Published figures cover whole months: end on the last day of a month "
            "(a month, a quarter or a year)."
        )
    if errors:
        raise forms.ValidationError(errors)
