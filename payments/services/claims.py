"""Making a claim: which phases it takes, what it may not exceed, and submitting it.

A claim takes every completed phase of its mandate finished in its period that no standing
claim holds, plus the corrections waiting for this mandate (payments.services.corrections).
Each line freezes the phase's fee, schedule and index. What a claim may not exceed, the
mandate's budget and the cap per trajectory, is checked when it is made and again when it is
submitted; the page that makes it shows the same check first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom import roles
from doorstroom.formatting import format_amount
from mandates.models import Mandate
from payments.models import (
    Claim,
    ClaimLine,
    ClaimStep,
    CorrectionItem,
    EvidenceDocument,
    LedgerMonth,
    MandateBudget,
)
from payments.services.common import claim_locked, move, recorded, require
from payments.services.evidence import missing_evidence
from payments.states import ClaimStatus, LineKind
from trajectories.indexation import HealthIndex, MissingIndexError, reference_month
from trajectories.models import FeeSchedule, Phase, PhaseRecord, Trajectory
from trajectories.schedules import FeeSchedules

ZERO = Decimal("0.00")
# Share of the budget from which the page warns that little is left.
BUDGET_WARNING_SHARE = Decimal("0.9")
NOT_A_PROVIDER = gettext_lazy("Only the provider makes, documents and submits its claims.")


# --- the budget -------------------------------------------------------------------------------


@dataclass
class BudgetStatus:
    """A mandate's figures against its ceiling. Owed, claimed, approved and paid are the
    ledger's; `committed` is what counts against the ceiling: every claim that is not
    rejected, drafts too, at its approved amount once decided."""

    mandate: Mandate
    budget: MandateBudget | None
    owed: Decimal = ZERO
    claimed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    committed: Decimal = ZERO
    trajectories: int = 0

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.paid

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget.amount - self.committed

    @property
    def remaining_trajectories(self) -> int | None:
        return None if self.budget is None else self.budget.max_trajectories - self.trajectories


def budget_status(*, mandate: Mandate, excluding: Claim | None = None) -> BudgetStatus:
    """`excluding`: a claim whose own amounts are left out (checked on top of the others)."""
    totals = LedgerMonth.objects.filter(mandate=mandate).aggregate(
        owed=Coalesce(Sum("owed"), ZERO),
        claimed=Coalesce(Sum("claimed"), ZERO),
        approved=Coalesce(Sum("approved"), ZERO),
        paid=Coalesce(Sum("paid"), ZERO),
    )
    standing = Claim.objects.filter(mandate=mandate).exclude(status=ClaimStatus.REJECTED)
    lines = ClaimLine.objects.active().filter(mandate=mandate, kind=LineKind.FEE)
    if excluding is not None:
        standing = standing.exclude(pk=excluding.pk)
        lines = lines.exclude(claim=excluding)
    committed = standing.aggregate(
        total=Coalesce(Sum(Coalesce("approved_amount", "claimed_amount")), ZERO)
    )["total"]
    return BudgetStatus(
        mandate=mandate,
        budget=MandateBudget.objects.filter(mandate=mandate).first(),
        committed=committed,
        trajectories=lines.aggregate(n=Count("trajectory", distinct=True))["n"],
        **totals,
    )


# --- what a claim would take ------------------------------------------------------------------


@dataclass
class ClaimProposal:
    """The lines a claim of this mandate and period would have, and what stands in its way."""

    mandate: Mandate
    period_start: dt.date
    period_end: dt.date
    phases: list[dict] = field(default_factory=list)
    corrections: list[CorrectionItem] = field(default_factory=list)
    budget: BudgetStatus | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return len(self.phases) + len(self.corrections)

    @property
    def total(self) -> Decimal:
        fees = sum((row["fee_amount"] for row in self.phases), ZERO)
        return fees + sum((item.difference for item in self.corrections), ZERO)

    @property
    def trajectory_ids(self) -> set[int]:
        return {row["trajectory_id"] for row in self.phases}


PHASE_FIELDS = (
    "pk",
    "trajectory_id",
    "phase",
    "end_date",
    "fee_amount",
    "fee_schedule_id",
    "index_reference_month",
    "index_value",
    "index_base_value",
)


def unclaimed_phases(*, mandate: Mandate, period_start: dt.date, period_end: dt.date):
    """Completed phases of the mandate in the period that no standing claim holds."""
    held = ClaimLine.objects.active().filter(phase=OuterRef("pk"), kind=LineKind.FEE)
    return (
        PhaseRecord.objects.completed()
        .filter(trajectory__mandate=mandate, end_date__gte=period_start, end_date__lte=period_end)
        .exclude(Exists(held))
        .order_by("end_date", "trajectory_id", "phase")
    )


def _check_period(period_start: dt.date, period_end: dt.date) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_end > timezone.localdate():
        raise ValidationError(
            {"period_end": _("A claim covers phases completed up to today at the latest.")}
        )


def claim_proposal(
    *, user, mandate: Mandate, period_start: dt.date, period_end: dt.date
) -> ClaimProposal:
    """What `claim_create` would make, with the budget and cap checks (nothing is written)."""
    require(roles.may_claim, user, str(NOT_A_PROVIDER))
    if not Mandate.objects.visible_to(user).filter(pk=mandate.pk).exists():
        raise PermissionDenied(_("This mandate is not in your scope."))
    _check_period(period_start, period_end)
    proposal = ClaimProposal(mandate=mandate, period_start=period_start, period_end=period_end)
    proposal.phases = list(
        unclaimed_phases(mandate=mandate, period_start=period_start, period_end=period_end).values(
            *PHASE_FIELDS
        )
    )
    proposal.corrections = list(
        CorrectionItem.objects.pending()
        .filter(mandate=mandate)
        .select_related("fee_schedule")
        .order_by("completed_on", "pk")
    )
    proposal.budget = budget_status(mandate=mandate)
    proposal.problems += _budget_problems(proposal.budget, proposal.total, proposal.trajectory_ids)
    proposal.warnings += _budget_warnings(proposal.budget, proposal.total)
    proposal.problems += _cap_problems(proposal)
    return proposal


def _budget_problems(status: BudgetStatus, amount: Decimal, trajectory_ids: set[int]) -> list:
    """What a claim of `amount` for these trajectories would exceed (nothing without a budget)."""
    if status.budget is None:
        return []
    problems = []
    if status.committed + amount > status.budget.amount:
        problems.append(
            _(
                "This claim of %(amount)s would exceed the budget of the mandate: %(used)s of "
                "%(budget)s is claimed or approved already, %(left)s is left."
            )
            % {
                "amount": format_amount(amount),
                "used": format_amount(status.committed),
                "budget": format_amount(status.budget.amount),
                "left": format_amount(max(status.budget.amount - status.committed, ZERO)),
            }
        )
    claimed_before = set(
        ClaimLine.objects.active()
        .filter(mandate=status.mandate, kind=LineKind.FEE, trajectory_id__in=trajectory_ids)
        .values_list("trajectory_id", flat=True)
        .distinct()
    )
    count = status.trajectories + len(trajectory_ids - claimed_before)
    if count > status.budget.max_trajectories:
        problems.append(
            _(
                "This claim would bring the mandate to %(count)s trajectories, more than the "
                "%(max)s of its budget."
            )
            % {"count": count, "max": status.budget.max_trajectories}
        )
    return problems


def _budget_warnings(status: BudgetStatus, amount: Decimal) -> list[str]:
    if status.budget is None:
        return []
    used = status.committed + amount
    if used <= status.budget.amount and used >= status.budget.amount * BUDGET_WARNING_SHARE:
        return [
            _("With this claim %(used)s of the budget of %(budget)s is used.")
            % {"used": format_amount(used), "budget": format_amount(status.budget.amount)}
        ]
    return []


def _cap_problems(proposal: ClaimProposal) -> list[str]:
    """The cap per trajectory holds across claims: what the standing claims hold for a
    trajectory plus this claim's lines stay within the cap indexed as its latest phase's fee."""
    new: dict[int, list] = defaultdict(list)
    for row in proposal.phases:
        new[row["trajectory_id"]].append(
            (row["fee_amount"], row["end_date"], row["fee_schedule_id"])
        )
    for item in proposal.corrections:
        new[item.trajectory_id].append((item.difference, item.completed_on, item.fee_schedule_id))
    if not new:
        return []
    before = dict(
        ClaimLine.objects.active()
        .filter(trajectory_id__in=new)
        .values_list("trajectory_id")
        .annotate(total=Sum("amount"))
    )
    used = {schedule_id for lines in new.values() for *_rest, schedule_id in lines}
    schedules = {schedule.pk: schedule for schedule in FeeSchedule.objects.filter(pk__in=used)}
    index = HealthIndex.load()
    references = dict(Trajectory.objects.filter(pk__in=new).values_list("pk", "worker__reference"))
    caps: dict[tuple, Decimal] = {}
    problems = []
    for trajectory_id, lines in new.items():
        _amount, day, schedule_id = max(lines, key=lambda line: line[1])
        schedule = schedules[schedule_id]
        key = (schedule_id, reference_month(rule=schedule.reference_month_rule, on=day))
        if key not in caps:
            try:
                caps[key] = FeeSchedules.cap(schedule=schedule, on=day, index=index).amount
            except MissingIndexError as error:
                return [str(error)]
        total = before.get(trajectory_id, ZERO) + sum((line[0] for line in lines), ZERO)
        if total > caps[key]:
            problems.append(
                _("Trajectory %(trajectory)s: %(total)s claimed in all, above its cap of %(cap)s.")
                % {
                    "trajectory": references[trajectory_id],
                    "total": format_amount(total),
                    "cap": format_amount(caps[key]),
                }
            )
    return problems


# --- writing ----------------------------------------------------------------------------------


@transaction.atomic
def claim_create(*, user, mandate: Mandate, period_start: dt.date, period_end: dt.date) -> Claim:
    """A draft claim of every unclaimed completed phase of the period and every correction
    waiting for the mandate. Two claims of one mandate are made one after the other."""
    Mandate.objects.select_for_update().get(pk=mandate.pk)
    proposal = claim_proposal(
        user=user, mandate=mandate, period_start=period_start, period_end=period_end
    )
    if not proposal.line_count:
        raise ValidationError(
            _(
                "No completed phase of this mandate is waiting to be claimed between %(start)s "
                "and %(end)s."
            )
            % {"start": date_format(period_start), "end": date_format(period_end)}
        )
    if proposal.problems:
        raise ValidationError(proposal.problems)
    with recorded("claim_create", user):
        claim = Claim.objects.create(
            mandate=mandate,
            period_start=period_start,
            period_end=period_end,
            created_by=user,
            claimed_amount=proposal.total,
            line_count=proposal.line_count,
        )
        lines = [
            ClaimLine(
                claim=claim,
                mandate=mandate,
                kind=LineKind.FEE,
                phase_id=row["pk"],
                trajectory_id=row["trajectory_id"],
                phase_number=row["phase"],
                completed_on=row["end_date"],
                amount=row["fee_amount"],
                fee_schedule_id=row["fee_schedule_id"],
                index_reference_month=row["index_reference_month"],
                index_value=row["index_value"],
                index_base_value=row["index_base_value"],
            )
            for row in proposal.phases
        ]
        lines += [
            ClaimLine(
                claim=claim,
                mandate=mandate,
                kind=LineKind.TOP_UP if item.difference > 0 else LineKind.RECOVERY,
                phase_id=item.phase_id,
                trajectory_id=item.trajectory_id,
                phase_number=item.phase_number,
                completed_on=item.completed_on,
                amount=item.difference,
                fee_schedule_id=item.fee_schedule_id,
                index_reference_month=item.index_reference_month,
                index_value=item.index_value,
                index_base_value=item.index_base_value,
                correction_item=item,
            )
            for item in proposal.corrections
        ]
        for position, line in enumerate(lines, start=1):
            line.position = position
        ClaimLine.objects.bulk_create(lines, batch_size=2000)
        ClaimStep.objects.create(claim=claim, to_status=claim.status, by=user)
    return claim


@transaction.atomic
def claim_discard(*, user, claim: Claim) -> None:
    """Throw a draft away; its phases are free again, its documents stay with their phases."""
    require(roles.may_claim, user, str(NOT_A_PROVIDER))
    claim = claim_locked(claim=claim, user=user)
    if claim.status != ClaimStatus.DRAFT:
        raise ValidationError(_("Only a draft can be thrown away."))
    with recorded("claim_discard", user):
        EvidenceDocument.objects.filter(claim_line__claim=claim).update(claim_line=None)
        claim.delete()


@transaction.atomic
def claim_submit(*, user, claim: Claim) -> Claim:
    """Send a draft to VDAB: every required document is there, the total is positive and the
    budget and caps still hold."""
    require(roles.may_claim, user, str(NOT_A_PROVIDER))
    claim = claim_locked(claim=claim, user=user)
    if claim.status == ClaimStatus.DRAFT:
        _check_submittable(claim)
    with recorded("claim_submit", user):
        move(claim=claim, to=ClaimStatus.SUBMITTED, user=user)
        claim.submitted_by = user
        claim.submitted_at = timezone.now()
        claim.save(update_fields=["status", "submitted_by", "submitted_at"])
    return claim


def _check_submittable(claim: Claim) -> None:
    missing = missing_evidence(claim=claim)
    if missing:
        shown = [
            _("Line %(line)s (%(worker)s, %(phase)s): %(kinds)s missing.")
            % {
                "line": line.position,
                "worker": line.trajectory.worker.reference,
                "phase": Phase(line.phase_number).label,
                "kinds": ", ".join(str(kind) for kind in kinds),
            }
            for line, kinds in missing[:20]
        ]
        if len(missing) > 20:
            shown.append(_("And %(count)s more lines.") % {"count": len(missing) - 20})
        raise ValidationError(shown)
    if claim.claimed_amount <= 0:
        raise ValidationError(
            _("The recoveries of this claim exceed its fees: it cannot be submitted yet.")
        )
    status = budget_status(mandate=claim.mandate, excluding=claim)
    trajectories = set(
        claim.lines.filter(kind=LineKind.FEE).values_list("trajectory_id", flat=True)
    )
    problems = _budget_problems(status, claim.claimed_amount, trajectories)
    if problems:
        raise ValidationError(problems)
