"""Which steps of a claim a user may take now, as the forms its page shows.

The services decide; this only leaves out what they would refuse anyway (a role that may not, a
state that does not allow it) and says why a step is not offered when four eyes are the reason.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom import roles
from payments.forms import (
    ApproveForm,
    CheckForm,
    DeductionFormSet,
    DiscardForm,
    EvidenceForm,
    PaymentFailForm,
    PaymentForm,
    ReissueForm,
    RejectForm,
    ReviewStartForm,
    SubmitForm,
)
from payments.models import Claim
from payments.states import DECIDED, PAYABLE, ClaimStatus


def claim_actions(*, user, claim: Claim, bound: dict | None = None) -> dict:
    """prefix -> form for every step the user may take on the claim now (a refused form comes
    back bound, with its errors); "blocked" -> why a step is not offered (four eyes)."""
    bound = bound or {}
    status = claim.status
    offered: dict[str, type] = {}
    blocked = []
    if roles.may_claim(user):
        if status not in (*DECIDED, ClaimStatus.REJECTED):
            offered["evidence"] = EvidenceForm
        if status == ClaimStatus.DRAFT:
            offered["submit"] = SubmitForm
            offered["discard"] = DiscardForm
    submitter = claim.submitted_by_id == user.pk
    if roles.may_check_claims(user) and status in (ClaimStatus.SUBMITTED, ClaimStatus.IN_REVIEW):
        if submitter:
            blocked.append(_("You submitted this claim: someone else checks it."))
        elif status == ClaimStatus.SUBMITTED:
            offered["review"] = ReviewStartForm
        elif claim.checked_by_id is None:
            offered["check"] = CheckForm
        elif not roles.may_decide_claims(user):
            blocked.append(
                _("Its sample is checked (the results are in its lines): finance decides now.")
            )
    if roles.may_decide_claims(user) and status == ClaimStatus.IN_REVIEW:
        if claim.checked_by_id is None:
            blocked.append(_("Its sample is checked first; then finance decides."))
        elif submitter or claim.checked_by_id == user.pk:
            blocked.append(
                _("You submitted or checked this claim: someone else approves or rejects it.")
            )
        else:
            offered["approve"] = ApproveForm
            offered["reject"] = RejectForm
    if roles.may_decide_claims(user) and status in PAYABLE:
        offered["pay"] = PaymentForm
        offered["fail"] = PaymentFailForm
    if roles.may_decide_claims(user) and status == ClaimStatus.PAYMENT_FAILED:
        offered["reissue"] = ReissueForm
    for prefix, form in bound.items():
        offered.setdefault(prefix, type(form))
    forms = {}
    for prefix, form_class in offered.items():
        if prefix in bound:
            forms[prefix] = bound[prefix]
        else:
            forms[prefix] = _unbound(form_class, claim)
    if "approve" in forms:
        forms["deductions"] = bound.get("deductions") or DeductionFormSet(prefix="deductions")
    forms["blocked"] = blocked
    return forms


def _unbound(form_class: type, claim: Claim):
    initial = {"seen_version": claim.version}
    if form_class is EvidenceForm:
        return EvidenceForm(with_line=True, prefix="evidence")
    if form_class is CheckForm:
        sample = (
            claim.lines.filter(in_sample=True)
            .select_related("trajectory__worker")
            .order_by("position")
        )
        return CheckForm(prefix="check", initial=initial, lines=sample)
    if form_class is PaymentForm:
        initial |= {
            "reference": claim.payment_reference,
            "amount": claim.approved_amount,
            "paid_on": timezone.localdate(),
        }
    return form_class(prefix=form_class.prefix, initial=initial)
