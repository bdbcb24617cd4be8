"""The rule every recorded step of a trajectory obeys, wherever it is recorded (the trajectory
page, the import, the admin): a step is recorded after it happened, so its date is never after
today. A phase started in 2030 could not be completed (no index months yet) nor undone by staff.
"""

from __future__ import annotations

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
