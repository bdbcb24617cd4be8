"""Undoing a wrongly recorded last step of a trajectory (a phase started, a phase completed, the
trajectory stopped) from the trajectory page, instead of asking someone with the admin.

Only the last step can be undone, one at a time, so the trajectory is always in a state the
services could have made; the reason is recorded in the audit trail with the changes it causes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pghistory
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trajectories.models import JobOutcome, PhaseRecord, Trajectory, TrajectoryStatus


class Step:
    START = "start"
    COMPLETE = "complete"
    STOP = "stop"


@dataclass(frozen=True)
class UndoneStep:
    step: str  # a Step
    phase: int  # the phase it was about


def last_step(trajectory: Trajectory, phases: list[PhaseRecord]) -> str | None:
    """The step that was recorded last; None when there is none to undo (only the first phase,
    which starts with the trajectory, is running)."""
    if not phases:
        return None
    if trajectory.status == TrajectoryStatus.STOPPED:
        return Step.STOP
    if phases[-1].end_date is not None:
        return Step.COMPLETE
    return Step.START if len(phases) > 1 else None


def _hours_while_running(record: PhaseRecord) -> Decimal:
    """The phase's hours as they were before it was completed (the completion records them):
    its last state in the audit trail without an end; none (0) when the trail has no such row."""
    events = apps.get_model("trajectories", "PhaseRecordEvent").objects
    before = events.filter(pgh_obj=record, end_date__isnull=True).order_by("-pgh_id").first()
    return before.hours if before is not None else Decimal("0")


def _reopen(record: PhaseRecord, *, hours: Decimal | None = None) -> None:
    """The phase as it was while it ran: no end, no fee, no exception to its maximum duration;
    `hours` as they were then (an undone completion), or kept (an undone stop, which recorded
    none)."""
    if hours is not None:
        record.hours = hours
    record.end_date = None
    record.fee_amount = None
    record.fee_schedule = None
    record.index_reference_month = None
    record.index_value = None
    record.index_base_value = None
    record.fee_note = ""
    record.over_maximum = False
    record.over_maximum_reason = ""
    record.over_maximum_approved_by = None
    record.over_maximum_approved_at = None
    record.save()


def _reopen_trajectory(trajectory: Trajectory) -> None:
    others = Trajectory.objects.filter(worker_id=trajectory.worker_id).exclude(pk=trajectory.pk)
    if others.filter(status=TrajectoryStatus.RUNNING).exists():
        raise ValidationError(
            _("This worker has another running trajectory now: this one cannot run again.")
        )
    trajectory.status = TrajectoryStatus.RUNNING
    trajectory.end_date = None
    trajectory.stop_reason = ""
    trajectory.outcome = JobOutcome.UNKNOWN
    trajectory.save(update_fields=["status", "end_date", "stop_reason", "outcome"])


@transaction.atomic
def trajectory_last_step_undo(
    *, trajectory: Trajectory, reason: str, user: AbstractBaseUser
) -> UndoneStep:
    """Undo the last recorded step: a started phase is removed, a completed one runs again
    without its fee and with the hours it had before (a completed trajectory runs again), a
    stopped trajectory runs again with its running phase as it was. The reason and the user are
    in the audit trail's context of every change this makes."""
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the step is undone.")})
    phases = list(PhaseRecord.objects.filter(trajectory=trajectory).order_by("phase"))
    step = last_step(trajectory, phases)
    if step is None:
        raise ValidationError(
            _("There is no step to undo: the first phase starts with the trajectory.")
        )
    record = phases[-1]
    with pghistory.context(undo=step, undo_reason=reason.strip(), user=user.pk):
        if step == Step.STOP:
            # The stop ended the running phase without a fee; a completed phase stays completed.
            # The trajectory runs again first: the database refuses an open phase in an ended one.
            _reopen_trajectory(trajectory)
            if record.end_date is not None and record.fee_amount is None:
                _reopen(record)
        elif step == Step.COMPLETE:
            if trajectory.status == TrajectoryStatus.COMPLETED:
                _reopen_trajectory(trajectory)
            _reopen(record, hours=_hours_while_running(record))
        else:
            record.delete()
    return UndoneStep(step=step, phase=record.phase)
