"""A submitted claim's way to its payment, with four eyes.

VDAB (an editor or provincial staff) takes it in review, which draws a reproducible random
sample of its lines, and checks every line of the sample. Finance approves it (with a deduction
per line where needed: a reason from the list and a note) or rejects it; never the checker nor
the submitter. Finance then records the payment, or that it failed, and issues it again.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom import roles
from doorstroom.formatting import format_amount
from doorstroom.languages import lazy_call
from payments.models import Claim, ClaimLine, DeductionReason, Payment, PaymentImportBatch
from payments.services.common import (
    claim_locked,
    move,
    recorded,
    refuse_same_person,
    require,
    required_text,
)
from payments.states import PAYABLE, CheckResult, ClaimStatus

# The sample for the detailed check: a tenth of the lines, at least 3 (or all), at most 30.
SAMPLE_SHARE = 0.1
SAMPLE_MIN = 3
SAMPLE_MAX = 30

NOT_A_CHECKER = gettext_lazy("Only VDAB and provincial staff check claims.")
NOT_FINANCE = gettext_lazy("Only finance staff approve, reject and pay claims.")


def sample_size(line_count: int) -> int:
    wanted = max(SAMPLE_MIN, min(SAMPLE_MAX, math.ceil(line_count * SAMPLE_SHARE)))
    return min(line_count, wanted)


def sample_select(*, seed: int, line_ids: list[int], size: int) -> list[int]:
    """The sample drawn from `seed`: the same seed and lines give the same sample, always."""
    return sorted(random.Random(seed).sample(sorted(line_ids), size))


@transaction.atomic
def claim_review_start(*, user, claim: Claim) -> Claim:
    """Take a submitted claim in review: its sample is drawn, and the seed kept with it."""
    require(roles.may_check_claims, user, str(NOT_A_CHECKER))
    claim = claim_locked(claim=claim, user=user)
    refuse_same_person(claim=claim, user=user, deciding=False)
    with recorded("claim_review_start", user):
        move(claim=claim, to=ClaimStatus.IN_REVIEW, user=user)
        line_ids = list(claim.lines.values_list("pk", flat=True))
        claim.sample_seed = secrets.randbits(62)
        claim.sample_size = sample_size(len(line_ids))
        chosen = sample_select(seed=claim.sample_seed, line_ids=line_ids, size=claim.sample_size)
        claim.lines.filter(pk__in=chosen).update(in_sample=True)
        claim.review_started_by = user
        claim.review_started_at = timezone.now()
        claim.save(
            update_fields=[
                "status",
                "sample_seed",
                "sample_size",
                "review_started_by",
                "review_started_at",
            ]
        )
    return claim


@transaction.atomic
def claim_check_record(
    *, user, claim: Claim, results: Mapping[int, tuple[str, str]], note: str = ""
) -> Claim:
    """Record the detailed check of every line of the sample: `results` maps a line's id to
    (CheckResult, note); a deviation says what is wrong."""
    require(roles.may_check_claims, user, str(NOT_A_CHECKER))
    claim = claim_locked(claim=claim, user=user)
    if claim.status != ClaimStatus.IN_REVIEW:
        raise ValidationError(_("Only a claim in review is checked."))
    if claim.checked_by_id is not None:
        # Once: a second check would overwrite the results the decision rests on.
        raise ValidationError(_("The sample of this claim is checked already."))
    refuse_same_person(claim=claim, user=user, deciding=False)
    sample = list(claim.lines.filter(in_sample=True).order_by("position"))
    errors = []
    for line in sample:
        result, line_note = results.get(line.pk, (CheckResult.NONE, ""))
        if result not in (CheckResult.OK, CheckResult.DEVIATION):
            errors.append(
                _("Line %(line)s: give the result of its check.") % {"line": line.position}
            )
        elif result == CheckResult.DEVIATION and not line_note.strip():
            errors.append(_("Line %(line)s: say what deviates.") % {"line": line.position})
        line.check_result, line.check_note = result, line_note.strip()
    if errors:
        raise ValidationError(errors)
    deviations = sum(1 for line in sample if line.check_result == CheckResult.DEVIATION)
    with recorded("claim_check_record", user):
        ClaimLine.objects.bulk_update(sample, ["check_result", "check_note"])
        claim.checked_by = user
        claim.checked_at = timezone.now()
        claim.check_note = note.strip()
        claim.save(update_fields=["checked_by", "checked_at", "check_note"])
        claim.steps.create(
            from_status=claim.status,
            to_status=claim.status,
            by=user,
            note=_("Sample checked: %(ok)s in order, %(deviations)s with a deviation.")
            % {"ok": len(sample) - deviations, "deviations": deviations},
        )
    return claim


@dataclass(frozen=True)
class Deduction:
    amount: Decimal
    reason: DeductionReason
    note: str


def _decidable(claim: Claim, user) -> None:
    if claim.status != ClaimStatus.IN_REVIEW:
        raise ValidationError(
            _("Only a claim in review is approved or rejected; this one is %(status)s.")
            % {"status": claim.get_status_display()}
        )
    if claim.checked_by_id is None:
        raise ValidationError(_("The sample of this claim has not been checked yet."))
    refuse_same_person(claim=claim, user=user, deciding=True)


@transaction.atomic
def claim_approve(
    *, user, claim: Claim, deductions: Mapping[int, Deduction] | None = None, note: str = ""
) -> Claim:
    """Approve a checked claim; with deductions (line id -> Deduction) it is partly approved."""
    require(roles.may_decide_claims, user, str(NOT_FINANCE))
    claim = claim_locked(claim=claim, user=user)
    _decidable(claim, user)
    deductions = dict(deductions or {})
    lines = {line.pk: line for line in claim.lines.filter(pk__in=deductions)}
    errors = []
    for line_id, deduction in deductions.items():
        line = lines.get(line_id)
        if line is None:
            errors.append(_("A deduction names a line that is not on this claim."))
            continue
        if not deduction.reason.active:
            errors.append(
                _("Line %(line)s: the reason %(reason)s is no longer in use.")
                % {"line": line.position, "reason": deduction.reason}
            )
        if not deduction.note.strip():
            errors.append(_("Line %(line)s: explain the deduction.") % {"line": line.position})
        if not Decimal("0") < deduction.amount <= max(line.amount, Decimal("0")):
            errors.append(
                _("Line %(line)s: a deduction is more than 0 and at most the line's %(amount)s.")
                % {"line": line.position, "amount": format_amount(line.amount)}
            )
        line.deduction = deduction.amount
        line.deduction_reason = deduction.reason
        line.deduction_note = deduction.note.strip()
    if errors:
        raise ValidationError(errors)
    approved = claim.claimed_amount - sum((d.amount for d in deductions.values()), Decimal("0"))
    if approved <= 0:
        raise ValidationError(_("Nothing would be left to pay: reject the claim instead."))
    with recorded("claim_approve", user):
        ClaimLine.objects.bulk_update(
            list(lines.values()), ["deduction", "deduction_reason", "deduction_note"]
        )
        status = ClaimStatus.PARTLY_APPROVED if deductions else ClaimStatus.APPROVED
        move(claim=claim, to=status, user=user, note=note)
        claim.approved_amount = approved
        claim.decided_by = user
        claim.decided_at = timezone.now()
        claim.decision_note = note.strip()
        claim.save(
            update_fields=["status", "approved_amount", "decided_by", "decided_at", "decision_note"]
        )
    return claim


@transaction.atomic
def claim_reject(*, user, claim: Claim, reason: str) -> Claim:
    """Reject a checked claim as a whole: its phases can be claimed again."""
    require(roles.may_decide_claims, user, str(NOT_FINANCE))
    claim = claim_locked(claim=claim, user=user)
    _decidable(claim, user)
    reason = required_text("reason", reason, _("Say why the claim is rejected."))
    with recorded("claim_reject", user):
        move(claim=claim, to=ClaimStatus.REJECTED, user=user, note=reason)
        claim.decided_by = user
        claim.decided_at = timezone.now()
        claim.decision_note = reason
        claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return claim


def payment_check(*, claim: Claim, reference: str, paid_on: dt.date, amount: Decimal) -> None:
    """What a payment must match: the claim's current reference and its approved amount. The
    messages are Django-style (a lazy text and its values): an import's report shows them in
    each reader's language."""
    status = ClaimStatus(claim.status).label
    if claim.status not in PAYABLE:
        raise ValidationError(
            gettext_lazy("%(claim)s is %(status)s: only an approved claim is paid."),
            params={"claim": claim.number, "status": status},
        )
    if reference.strip() != claim.payment_reference:
        raise ValidationError(
            {
                "reference": ValidationError(
                    gettext_lazy("The payment reference of %(claim)s is %(reference)s."),
                    params={"claim": claim.number, "reference": claim.payment_reference},
                )
            }
        )
    if amount != claim.approved_amount:
        raise ValidationError(
            {
                "amount": ValidationError(
                    gettext_lazy("%(claim)s was approved for %(approved)s, not %(amount)s."),
                    params={
                        "claim": claim.number,
                        "approved": lazy_call(lambda: format_amount(claim.approved_amount)),
                        "amount": lazy_call(lambda: format_amount(amount)),
                    },
                )
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": gettext_lazy("The payment date is in the future.")})
    approved_on = timezone.localtime(claim.decided_at).date()
    if paid_on < approved_on:
        raise ValidationError(
            {
                "paid_on": ValidationError(
                    gettext_lazy(
                        "The claim was approved on %(date)s: it was not paid before that."
                    ),
                    params={"date": f"{approved_on:%d/%m/%Y}"},
                )
            }
        )


@transaction.atomic
def payment_record(
    *,
    user,
    claim: Claim,
    reference: str,
    paid_on: dt.date,
    amount: Decimal,
    import_batch: PaymentImportBatch | None = None,
) -> Payment:
    """The claim was paid: exactly its approved amount, with its current reference."""
    require(roles.may_decide_claims, user, str(NOT_FINANCE))
    claim = claim_locked(claim=claim, user=user)
    payment_check(claim=claim, reference=reference, paid_on=paid_on, amount=amount)
    with recorded("payment_record", user):
        move(claim=claim, to=ClaimStatus.PAID, user=user, note=reference.strip())
        claim.save(update_fields=["status"])
        return Payment.objects.create(
            claim=claim,
            reference=reference.strip(),
            paid_on=paid_on,
            amount=amount,
            recorded_by=user,
            import_batch=import_batch,
        )


@transaction.atomic
def payment_fail(*, user, claim: Claim, reason: str) -> Claim:
    """The financial system could not pay (a wrong account, a refusal): say why."""
    require(roles.may_decide_claims, user, str(NOT_FINANCE))
    claim = claim_locked(claim=claim, user=user)
    reason = required_text("reason", reason, _("Say why the payment failed."))
    with recorded("payment_fail", user):
        move(claim=claim, to=ClaimStatus.PAYMENT_FAILED, user=user, note=reason)
        claim.save(update_fields=["status"])
    return claim


@transaction.atomic
def claim_reissue(*, user, claim: Claim, note: str = "") -> Claim:
    """Issue a failed payment again, under a new payment reference."""
    require(roles.may_decide_claims, user, str(NOT_FINANCE))
    claim = claim_locked(claim=claim, user=user)
    with recorded("claim_reissue", user):
        move(claim=claim, to=ClaimStatus.REISSUED, user=user, note=note)
        claim.payment_order += 1
        claim.save(update_fields=["status", "payment_order"])
    return claim
