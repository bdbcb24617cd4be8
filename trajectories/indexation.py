"""Indexation of fixed amounts on the health index, as pure calculation on loaded values.

Kept free of queries so the services, the exports and the demo generator (a million trajectories)
compute a fee the same way: load the index once, then ask it as often as needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from doorstroom.languages import lazy_format
from trajectories.models import (
    FeeSchedule,
    HealthIndexMonth,
    IndexKind,
    ReferenceMonthRule,
)

CENT = Decimal("0.01")
SMOOTHING_MONTHS = 4


class MissingIndexError(Exception):
    """An amount needs the health index of a month that is not (yet) recorded. `message` is
    put into the reader's language when it is shown."""

    def __init__(self, months: list[dt.date], needed_for: dt.date | None = None) -> None:
        self.months = months
        names = ", ".join(f"{month:%m/%Y}" for month in months)
        if needed_for is not None and [needed_for] != months:
            self.message = lazy_format(
                _(
                    "The health index of %(months)s is missing (needed for the smoothed index of "
                    "%(month)s): add that month; nothing is estimated."
                ),
                months=names,
                month=f"{needed_for:%m/%Y}",
            )
        else:
            self.message = lazy_format(
                _(
                    "The health index of %(months)s is missing: add that month; nothing is "
                    "estimated."
                ),
                months=names,
            )
        super().__init__(self.message)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def reference_month(*, rule: str, on: dt.date) -> dt.date:
    if rule == ReferenceMonthRule.JANUARY_OF_COMPLETION_YEAR:
        return dt.date(on.year, 1, 1)
    return month_start(on)


@dataclass(frozen=True)
class IndexedAmount:
    base_amount: Decimal
    amount: Decimal
    reference_month: dt.date
    index_value: Decimal
    base_month: dt.date
    base_index_value: Decimal


class HealthIndex:
    """The recorded health index, plain and smoothed, by month."""

    def __init__(self, values: Mapping[dt.date, Decimal]) -> None:
        self.values = dict(values)
        # An import computes the same few smoothed months thousands of times.
        self._smoothed_cache: dict[dt.date, Decimal] = {}

    @classmethod
    def load(cls) -> HealthIndex:
        return cls(dict(HealthIndexMonth.objects.values_list("month", "value")))

    def plain(self, month: dt.date) -> Decimal:
        month = month_start(month)
        try:
            return self.values[month]
        except KeyError:
            raise MissingIndexError([month]) from None

    def smoothed(self, month: dt.date) -> Decimal:
        """Mean of the four months ending at `month`, rounded to the cent like Statbel does."""
        month = month_start(month)
        if month not in self._smoothed_cache:
            self._smoothed_cache[month] = self._smoothed(month)
        return self._smoothed_cache[month]

    def _smoothed(self, month: dt.date) -> Decimal:
        months = [months_back(month, back) for back in reversed(range(SMOOTHING_MONTHS))]
        missing = [m for m in months if m not in self.values]
        if missing:
            raise MissingIndexError(missing, needed_for=month)
        total = sum(self.values[m] for m in months)
        return (total / SMOOTHING_MONTHS).quantize(CENT, rounding="ROUND_HALF_UP")

    def value(self, month: dt.date, kind: str) -> Decimal:
        return self.smoothed(month) if kind == IndexKind.SMOOTHED else self.plain(month)

    def indexed(self, *, schedule: FeeSchedule, base_amount: Decimal, on: dt.date) -> IndexedAmount:
        """base x index(reference month of `on`) / index(base month), rounded per schedule."""
        ref_month = reference_month(rule=schedule.reference_month_rule, on=on)
        index_value = self.value(ref_month, schedule.index_kind)
        base_value = self.value(schedule.index_base_month, schedule.index_kind)
        amount = (base_amount * index_value / base_value).quantize(CENT, rounding=schedule.rounding)
        return IndexedAmount(
            base_amount=base_amount,
            amount=amount,
            reference_month=ref_month,
            index_value=index_value,
            base_month=schedule.index_base_month,
            base_index_value=base_value,
        )
