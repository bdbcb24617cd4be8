"""Dates of trajectories: the rule every recorded step obeys, and the arithmetic of months.

Wherever a step is recorded (the trajectory page, the import, the admin), it is recorded after it
happened, so its date is never after today. A phase started in 2030 could not be completed (no
index months yet) nor undone by staff.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def date_in_future_refuse(day: dt.date | None, *, today: dt.date | None = None) -> None:
    """Raise a ValidationError (code "future") when `day` is after today (Brussels time)."""
    if day is not None and day > (today or timezone.localdate()):
        # Lazy, with its params: formatted in the language of whoever reads it.
        raise ValidationError(
            _("%(date)s is in the future; only dates that have passed can be recorded."),
            code="future",
            params={"date": date_format(day, "SHORT_DATE_FORMAT")},
        )


class NoFutureDatesMixin:
    """For a model form (the admin's): `future_date_fields` obey `date_in_future_refuse`."""

    future_date_fields: tuple[str, ...] = ("start_date", "end_date")

    def clean(self):
        cleaned = super().clean()
        for name in self.future_date_fields:
            if name in self.fields and name in cleaned:
                try:
                    date_in_future_refuse(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


# --- months: one arithmetic for the services, the index, the demo data and the figures --------


def add_months(day: dt.date, months: int) -> dt.date:
    """As PostgreSQL adds an interval of months (`models.common.AddMonths`, the deadline of a
    phase): the day is kept, or the month's last day (31/01 + 1 month = 28 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months before `month`'s."""
    return add_months(month_start(month), -count)


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1 to 4) of a day."""
    return day.year, (day.month - 1) // 3 + 1
