"""The fee schedules in force, and the fee of a completed phase: one rule for the services, the
import and the demo generator.

Like `indexation.HealthIndex`, the schedules are loaded once (with their phases) and then asked as
often as needed: an import of 100,000 rows or a million demo trajectories asks them for every
phase without a query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstroom.formatting import format_amount
from trajectories.indexation import HealthIndex, IndexedAmount, reference_month
from trajectories.models import FeeSchedule, FeeSchedulePhase, Phase


def fee_within_cap(*, fee: Decimal, cap: Decimal, already_paid: Decimal) -> tuple[Decimal, str]:
    """The fee reduced to what remains of the cap, and why (empty when not reduced)."""
    remaining = max(cap - already_paid, Decimal("0.00"))
    if fee <= remaining:
        return fee, ""
    # Stored with the phase, so written in the language of the statements, not the user's.
    with translation.override("nl-be"):
        return remaining, _(
            "Reduced from %(fee)s to %(remaining)s: the indexed cap of %(cap)s per trajectory is "
            "reached (%(paid)s already paid for earlier phases)."
        ) % {
            "fee": format_amount(fee),
            "remaining": format_amount(remaining),
            "cap": format_amount(cap),
            "paid": format_amount(already_paid),
        }


@dataclass(frozen=True)
class PhaseFee:
    """What a completed phase is owed, and on what grounds (stored with the phase)."""

    schedule: FeeSchedule
    indexed: IndexedAmount  # the phase's fee, indexed, before the cap
    amount: Decimal  # within the cap
    note: str  # why it was reduced, if it was


class FeeSchedules:
    """Every fee schedule with its phases, as loaded once."""

    def __init__(self, schedules: list[FeeSchedule]) -> None:
        self.schedules = schedules
        # Indexed amounts depend on the schedule, the phase and the reference month only: a
        # million completions need a few dozen sums.
        self._indexed: dict[tuple, tuple[IndexedAmount, IndexedAmount]] = {}

    @classmethod
    def load(cls) -> FeeSchedules:
        return cls(list(FeeSchedule.objects.prefetch_related("phases").order_by("valid_from")))

    def in_force(self, on: dt.date) -> FeeSchedule:
        for schedule in self.schedules:
            if schedule.is_in_force(on):
                return schedule
        raise ValidationError(
            _("No fee schedule is in force on %(date)s."), params={"date": date_format(on)}
        )

    @staticmethod
    def phase(schedule: FeeSchedule, phase: int) -> FeeSchedulePhase:
        for row in schedule.phases.all():
            if row.phase == phase:
                return row
        raise ValidationError(
            _("The fee schedule %(schedule)s has no fee for the phase %(phase)s."),
            params={"schedule": schedule, "phase": Phase(phase).label},
        )

    def max_months(self, *, phase: int, start: dt.date) -> int:
        """The maximum duration of a phase started on `start` (fixed at its start)."""
        return self.phase(self.in_force(start), phase).max_months

    @staticmethod
    def cap(*, schedule: FeeSchedule, on: dt.date, index: HealthIndex) -> IndexedAmount:
        """The cap per trajectory, indexed for a completion on `on`."""
        return index.indexed(schedule=schedule, base_amount=schedule.cap_amount, on=on)

    def fee_and_cap(
        self, *, schedule: FeeSchedule, phase: int, on: dt.date, index: HealthIndex
    ) -> tuple[IndexedAmount, IndexedAmount]:
        """The phase's fee and the cap per trajectory, indexed for a completion on `on`
        (raises MissingIndexError when an index month is not recorded)."""
        key = (schedule.pk, phase, reference_month(rule=schedule.reference_month_rule, on=on))
        if key not in self._indexed:
            base = self.phase(schedule, phase).base_amount
            self._indexed[key] = (
                index.indexed(schedule=schedule, base_amount=base, on=on),
                self.cap(schedule=schedule, on=on, index=index),
            )
        return self._indexed[key]

    def fee(
        self, *, phase: int, completed_on: dt.date, already_paid: Decimal, index: HealthIndex
    ) -> PhaseFee:
        """The fee of a phase completed on `completed_on`: the schedule in force that day, the
        health index then, never past the indexed cap given what earlier phases were paid."""
        schedule = self.in_force(completed_on)
        fee, cap = self.fee_and_cap(schedule=schedule, phase=phase, on=completed_on, index=index)
        amount, note = fee_within_cap(fee=fee.amount, cap=cap.amount, already_paid=already_paid)
        return PhaseFee(schedule=schedule, indexed=fee, amount=amount, note=note)
