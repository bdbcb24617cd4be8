"""Corrections without overwriting: after a health index month or a fee schedule is corrected,
what each paid phase is due now against what was claimed for it.

A run recomputes the fees of the trajectories whose phases were paid, as `phase_complete`
computes them (the schedule in force on the day of completion, the health index as recorded
now, the cap per trajectory over its phases in order), and compares each paid phase with what
the standing claims hold for it (its fee line and earlier corrections, before deductions: a
deduction stays a deduction) and what approved runs still have waiting. The differences are a
preview; once another person approves the run they wait for the provider's next claim, which
takes them as top-up or recovery lines. Nothing claimed, approved or paid is changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom import roles
from payments.models import ClaimLine, CorrectionItem, CorrectionRun
from payments.services.common import recorded, require, required_text
from payments.states import ClaimStatus, CorrectionStatus, LineKind
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import FeeSchedule, PhaseRecord
from trajectories.schedules import FeeSchedules

ZERO = Decimal("0.00")
NOT_A_CORRECTOR = gettext_lazy("Only VDAB and finance staff compute correction runs.")


def _claimed_per_phase(phase_ids) -> dict[int, Decimal]:
    """What standing claims hold for each phase, and what approved runs still have waiting."""
    held: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for phase_id, amount in (
        ClaimLine.objects.active()
        .filter(phase_id__in=phase_ids)
        .values_list("phase_id")
        .annotate(total=Sum("amount"))
    ):
        held[phase_id] += amount
    for phase_id, amount in (
        CorrectionItem.objects.pending()
        .filter(phase_id__in=phase_ids)
        .values_list("phase_id")
        .annotate(total=Sum("difference"))
    ):
        held[phase_id] += amount
    return held


def corrections_compute(
    *,
    fee_schedule: FeeSchedule | None = None,
    completed_from: dt.date | None = None,
    completed_to: dt.date | None = None,
) -> tuple[int, list[CorrectionItem]]:
    """(paid phases compared, the unsaved items of those now due another amount)."""
    paid = ClaimLine.objects.filter(kind=LineKind.FEE, claim_status=ClaimStatus.PAID)
    if fee_schedule is not None:
        paid = paid.filter(fee_schedule=fee_schedule)
    if completed_from is not None:
        paid = paid.filter(completed_on__gte=completed_from)
    if completed_to is not None:
        paid = paid.filter(completed_on__lte=completed_to)
    targets = set(paid.values_list("phase_id", flat=True))
    phases = list(
        PhaseRecord.objects.completed()
        .filter(trajectory__in=paid.values("trajectory_id"))
        .select_related("trajectory")
        .order_by("trajectory_id", "phase")
    )
    held = _claimed_per_phase([phase.pk for phase in phases])
    index, schedules = HealthIndex.load(), FeeSchedules.load()
    items, due_so_far, trajectory = [], ZERO, None
    for phase in phases:
        if phase.trajectory_id != trajectory:
            trajectory, due_so_far = phase.trajectory_id, ZERO
        try:
            fee = schedules.fee(
                phase=phase.phase, completed_on=phase.end_date, already_paid=due_so_far, index=index
            )
        except MissingIndexError as error:
            raise ValidationError(str(error)) from error
        due = fee.amount
        due_so_far += due
        if phase.pk not in targets or due == held[phase.pk]:
            continue
        items.append(
            CorrectionItem(
                phase=phase,
                trajectory_id=phase.trajectory_id,
                mandate_id=phase.trajectory.mandate_id,
                phase_number=phase.phase,
                completed_on=phase.end_date,
                claimed_before=held[phase.pk],
                due_now=due,
                difference=due - held[phase.pk],
                fee_schedule=fee.schedule,
                index_reference_month=fee.indexed.reference_month,
                index_value=fee.indexed.index_value,
                index_base_value=fee.indexed.base_index_value,
            )
        )
    return len(targets), items


@transaction.atomic
def correction_run_create(
    *,
    user,
    reason: str,
    fee_schedule: FeeSchedule | None = None,
    completed_from: dt.date | None = None,
    completed_to: dt.date | None = None,
) -> CorrectionRun:
    """Compute a run and keep it as a preview: nothing is owed differently until approved."""
    require(roles.may_run_corrections, user, str(NOT_A_CORRECTOR))
    reason = required_text("reason", reason, _("Say what was corrected."))
    compared, items = corrections_compute(
        fee_schedule=fee_schedule, completed_from=completed_from, completed_to=completed_to
    )
    with recorded("correction_run_create", user):
        run = CorrectionRun.objects.create(
            reason=reason,
            fee_schedule=fee_schedule,
            completed_from=completed_from,
            completed_to=completed_to,
            created_by=user,
            phase_count=compared,
            item_count=len(items),
            total_difference=sum((item.difference for item in items), ZERO),
        )
        for item in items:
            item.run = run
        CorrectionItem.objects.bulk_create(items, batch_size=2000)
    return run


def _preview_of(run: CorrectionRun) -> CorrectionRun:
    run = CorrectionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != CorrectionStatus.PREVIEW:
        raise ValidationError(
            _("This run is %(status)s already.") % {"status": run.get_status_display()}
        )
    return run


@transaction.atomic
def correction_run_approve(*, user, run: CorrectionRun) -> CorrectionRun:
    """Approve a preview computed by someone else: its differences wait for the providers' next
    claims. Refused when claims or other runs changed what it compared with."""
    require(roles.may_decide_claims, user, _("Only finance staff approve correction runs."))
    run = _preview_of(run)
    if run.created_by_id == user.pk:
        raise ValidationError(_("You computed this run: someone else approves it (four eyes)."))
    items = list(run.items.all())
    held = _claimed_per_phase([item.phase_id for item in items])
    stale = [item for item in items if held[item.phase_id] != item.claimed_before]
    if stale:
        raise ValidationError(
            _(
                "Since this run was computed, claims or other runs changed what %(count)s of its "
                "phases hold: compute a new run."
            )
            % {"count": len(stale)}
        )
    with recorded("correction_run_approve", user):
        run.status = CorrectionStatus.APPROVED
        run.approved_by = user
        run.approved_at = timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
    return run


@transaction.atomic
def correction_run_discard(*, user, run: CorrectionRun) -> CorrectionRun:
    require(roles.may_run_corrections, user, str(NOT_A_CORRECTOR))
    run = _preview_of(run)
    with recorded("correction_run_discard", user):
        run.status = CorrectionStatus.DISCARDED
        run.approved_by = user
        run.approved_at = timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
    return run
