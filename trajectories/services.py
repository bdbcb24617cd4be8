"""Writes with rules for trajectories: workers, starting and completing phases, fees.

Every function is all-or-nothing and locks the trajectory it changes, so two members of staff
completing the same phase at once cannot both be paid for it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

# Lazy, with the values as params: an error is put into a language where it is shown (the
# import stores its report in every language, from the same ValidationError).
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn as be_nn

from mandates.models import Mandate, Organisation
from trajectories.dates import add_months, date_in_future_refuse
from trajectories.indexation import HealthIndex, IndexedAmount, MissingIndexError
from trajectories.models import (
    FeeSchedule,
    JobOutcome,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
    Worker,
    validate_insz,
)
from trajectories.phase_order import phase_order_check
from trajectories.schedules import FeeSchedules

# --- fees -------------------------------------------------------------------------------------


def fee_indexed(
    *, schedule: FeeSchedule, phase: int, on: dt.date, index: HealthIndex | None = None
) -> IndexedAmount:
    """The fee of a phase completed on `on` under `schedule`, before the cap."""
    fee, _cap = FeeSchedules([schedule]).fee_and_cap(
        schedule=schedule, phase=phase, on=on, index=index or HealthIndex.load()
    )
    return fee


# --- workers ----------------------------------------------------------------------------------


def worker_create(*, first_name: str, last_name: str, insz: str | None = None) -> Worker:
    if insz:
        insz = be_nn.compact(insz)
        validate_insz(insz)
        if Worker.objects.filter(insz=insz).exists():
            raise ValidationError({"insz": _("A worker with this national number exists.")})
    worker = Worker.objects.create(first_name=first_name, last_name=last_name, insz=insz or None)
    worker.refresh_from_db(fields=["reference"])
    return worker


# --- trajectories and phases ------------------------------------------------------------------


def _lock(trajectory: Trajectory) -> Trajectory:
    return Trajectory.objects.select_for_update().get(pk=trajectory.pk)


def _phases(trajectory: Trajectory) -> list[PhaseRecord]:
    return list(PhaseRecord.objects.filter(trajectory=trajectory).order_by("phase"))


def _require_running(trajectory: Trajectory) -> None:
    if trajectory.status != TrajectoryStatus.RUNNING:
        raise ValidationError(
            _("The trajectory is %(status)s; only a running trajectory can change."),
            params={"status": TrajectoryStatus(trajectory.status).label},
        )


def _not_in_future(field: str, day: dt.date) -> None:
    """The one date rule (trajectories.dates), its error on the form field that holds the day."""
    try:
        date_in_future_refuse(day)
    except ValidationError as error:
        raise ValidationError({field: error}) from None


def _new_phase(
    *,
    trajectory: Trajectory,
    phase: int,
    start_date: dt.date,
    schedules: FeeSchedules | None = None,
    save: bool = True,
) -> PhaseRecord:
    schedules = schedules or FeeSchedules.load()
    max_months = schedules.max_months(phase=phase, start=start_date)
    record = PhaseRecord(
        trajectory=trajectory, phase=phase, start_date=start_date, max_months=max_months
    )
    if save:
        record.save()
        record.refresh_from_db(fields=["deadline"])
    return record


@transaction.atomic
def trajectory_start(
    *,
    worker: Worker,
    mandate: Mandate,
    origin_employer: Organisation,
    start_date: dt.date,
    host_employer: Organisation | None = None,
) -> Trajectory:
    """Start a trajectory and its first phase (Voortraject) on the same day."""
    _not_in_future("start_date", start_date)
    Worker.objects.select_for_update().get(pk=worker.pk)
    if Trajectory.objects.filter(worker=worker, status=TrajectoryStatus.RUNNING).exists():
        raise ValidationError(_("This worker already has a running trajectory."))
    trajectory = Trajectory.objects.create(
        worker=worker,
        mandate=mandate,
        origin_employer=origin_employer,
        host_employer=host_employer,
        start_date=start_date,
    )
    _new_phase(trajectory=trajectory, phase=Phase.VOORTRAJECT, start_date=start_date)
    return trajectory


@transaction.atomic
def phase_start(
    *,
    trajectory: Trajectory,
    start_date: dt.date,
    host_employer: Organisation | None = None,
) -> PhaseRecord:
    """Start the next phase, on or after the day the previous one was completed."""
    trajectory = _lock(trajectory)
    record = phase_start_checked(
        trajectory=trajectory, phases=_phases(trajectory), start_date=start_date
    )
    if host_employer is not None:
        trajectory.host_employer = host_employer
        trajectory.save(update_fields=["host_employer"])
    return record


def phase_start_checked(
    *,
    trajectory: Trajectory,
    phases: list[PhaseRecord],
    start_date: dt.date,
    phase: int | None = None,
    schedules: FeeSchedules | None = None,
    save: bool = True,
) -> PhaseRecord:
    """The rules and write of `phase_start`, for a caller that has locked the trajectory and
    read its phases itself (the import does both for all its rows in one query each, and loads
    the fee schedules once for all of them; it names the `phase` its row says). With
    `save=False` the new phase is returned unsaved, for the caller to write with many others at
    once."""
    _require_running(trajectory)
    _not_in_future("start_date", start_date)
    return _new_phase(
        trajectory=trajectory,
        phase=phase_order_check(phases=phases, phase=phase, start_date=start_date),
        start_date=start_date,
        schedules=schedules,
        save=save,
    )


def _check_duration(
    *,
    record: PhaseRecord,
    end_date: dt.date,
    exception_reason: str,
    approved_by: AbstractBaseUser | None,
) -> None:
    if end_date < record.start_date:
        raise ValidationError(
            _("The end date is before the phase started (%(date)s)."),
            params={"date": date_format(record.start_date)},
        )
    deadline = add_months(record.start_date, record.max_months)
    if end_date <= deadline:
        return
    if not exception_reason.strip() or approved_by is None:
        raise ValidationError(
            _(
                "The phase %(phase)s may last at most %(months)s month(s), until %(deadline)s. "
                "A longer phase needs an exception: give the reason (and who approves it)."
            ),
            params={
                "phase": Phase(record.phase).label,
                "months": record.max_months,
                "deadline": date_format(deadline),
            },
        )
    record.over_maximum = True
    record.over_maximum_reason = exception_reason.strip()
    record.over_maximum_approved_by = approved_by
    record.over_maximum_approved_at = timezone.now()


@transaction.atomic
def phase_complete(
    *,
    trajectory: Trajectory,
    end_date: dt.date,
    hours: Decimal,
    exception_reason: str = "",
    approved_by: AbstractBaseUser | None = None,
    outcome: str | None = None,
    index: HealthIndex | None = None,
) -> PhaseRecord:
    """Complete the running phase and fix its fee.

    The fee comes from the schedule in force on the completion date and the health index then;
    it never takes the trajectory past the indexed cap (the last phase is reduced, and the reason
    recorded). Completing the Nazorg completes the trajectory.
    """
    trajectory = _lock(trajectory)
    return phase_complete_checked(
        trajectory=trajectory,
        phases=_phases(trajectory),
        end_date=end_date,
        hours=hours,
        exception_reason=exception_reason,
        approved_by=approved_by,
        outcome=outcome,
        index=index,
    )


def phase_complete_checked(
    *,
    trajectory: Trajectory,
    phases: list[PhaseRecord],
    end_date: dt.date,
    hours: Decimal,
    exception_reason: str = "",
    approved_by: AbstractBaseUser | None = None,
    outcome: str | None = None,
    index: HealthIndex | None = None,
    schedules: FeeSchedules | None = None,
    save: bool = True,
) -> PhaseRecord:
    """The rules and write of `phase_complete` for a caller that locked the trajectory and read
    its phases itself (see `phase_start_checked`). With `save=False` the phase (and, after the
    Nazorg, the trajectory) are changed in memory only: the caller writes them."""
    _require_running(trajectory)
    record = phases[-1]
    if not record.is_running:
        raise ValidationError(_("No phase is running: start the next phase first."))
    if hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    _not_in_future("end_date", end_date)
    _check_duration(
        record=record, end_date=end_date, exception_reason=exception_reason, approved_by=approved_by
    )

    already_paid = sum((p.fee_amount for p in phases[:-1] if p.is_completed), Decimal("0.00"))
    try:
        fee = (schedules or FeeSchedules.load()).fee(
            phase=record.phase,
            completed_on=end_date,
            already_paid=already_paid,
            index=index or HealthIndex.load(),
        )
    except MissingIndexError as error:
        raise ValidationError(error.message) from error

    record.end_date = end_date
    record.hours = hours
    record.fee_amount = fee.amount
    record.fee_schedule = fee.schedule
    record.index_reference_month = fee.indexed.reference_month
    record.index_value = fee.indexed.index_value
    record.index_base_value = fee.indexed.base_index_value
    record.fee_note = fee.note
    if save:
        record.save()

    if record.phase == Phase.NAZORG:
        trajectory.status = TrajectoryStatus.COMPLETED
        trajectory.end_date = end_date
        if outcome is not None:
            trajectory.outcome = JobOutcome(outcome)
        if save:
            trajectory.save(update_fields=["status", "end_date", "outcome"])
    return record


@transaction.atomic
def trajectory_stop(
    *,
    trajectory: Trajectory,
    end_date: dt.date,
    reason: str,
    outcome: str = JobOutcome.UNKNOWN,
    exception_reason: str = "",
    approved_by: AbstractBaseUser | None = None,
) -> Trajectory:
    """Stop a trajectory early: its running phase ends without a fee."""
    trajectory = _lock(trajectory)
    _require_running(trajectory)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the trajectory stops.")})
    _not_in_future("end_date", end_date)
    record = _phases(trajectory)[-1]
    if record.is_running:
        _check_duration(
            record=record,
            end_date=end_date,
            exception_reason=exception_reason,
            approved_by=approved_by,
        )
        record.end_date = end_date
        record.save()
    elif end_date < record.end_date:
        raise ValidationError(
            _("The trajectory cannot stop before its last phase ended (%(date)s)."),
            params={"date": date_format(record.end_date)},
        )
    trajectory.status = TrajectoryStatus.STOPPED
    trajectory.end_date = end_date
    trajectory.stop_reason = reason.strip()
    trajectory.outcome = JobOutcome(outcome)
    trajectory.save(update_fields=["status", "end_date", "stop_reason", "outcome"])
    return trajectory


def phase_hours_record(*, record: PhaseRecord, hours: Decimal) -> PhaseRecord:
    """Correct the hours of a phase in memory (the import writes its rows at once); its fee
    does not depend on them, so it stays."""
    if hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    record.hours = hours
    return record


@transaction.atomic
def trajectory_outcome_record(*, trajectory: Trajectory, outcome: str) -> Trajectory:
    trajectory = _lock(trajectory)
    trajectory.outcome = JobOutcome(outcome)
    trajectory.save(update_fields=["outcome"])
    return trajectory


def trajectory_fees_total(*, trajectory: Trajectory) -> Decimal:
    total = trajectory.phases.aggregate(total=Sum("fee_amount"))["total"]
    return total or Decimal("0.00")


@transaction.atomic
def worker_erase(*, worker: Worker) -> Worker:
    """Erase a worker's personal data on request (GDPR), keeping every figure intact.

    Name and national number are removed; the pseudonymous reference and the trajectories stay,
    so counts, fees and statements do not change. The audit trail never held the name or the
    national number (they are excluded from tracking), so no copy remains there either.
    """
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    worker.first_name = ""
    worker.last_name = ""
    worker.insz = None
    worker.erased_at = timezone.now()
    worker.save(update_fields=["first_name", "last_name", "insz", "erased_at"])
    return worker
