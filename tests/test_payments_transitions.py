"""Every step of a claim is a service that only its roles may take, in the
claim's order, audited; and four eyes for every role: whoever submitted or checked a claim never
approves or rejects it, whatever their role.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pghistory.models import Events

from payments import services
from payments.models import Claim, ClaimLine, DocumentKind
from payments.states import CheckResult, ClaimStatus
from tests.factories.payments import CHECKED, PDF, claim_in, documented

ROLES = ["provider", "provincial", "editor", "finance", "administrator", "analyst", "no-role"]


def take(step: str, claim: Claim, user):
    """Step `step` on `claim` as `user`, with the data a person would give."""
    if step == "submit":
        return services.claim_submit(user=user, claim=claim)
    if step == "discard":
        return services.claim_discard(user=user, claim=claim)
    if step == "review":
        return services.claim_review_start(user=user, claim=claim)
    if step == "check":
        sample = claim.lines.filter(in_sample=True)
        results = {line.pk: (CheckResult.OK, "") for line in sample}
        return services.claim_check_record(user=user, claim=claim, results=results)
    if step == "approve":
        return services.claim_approve(user=user, claim=claim)
    if step == "reject":
        return services.claim_reject(user=user, claim=claim, reason="Niet conform.")
    if step == "pay":
        return services.payment_record(
            user=user,
            claim=claim,
            reference=claim.payment_reference,
            paid_on=timezone.localdate(),
            amount=claim.approved_amount,
        )
    if step == "fail":
        return services.payment_fail(user=user, claim=claim, reason="Rekening gesloten.")
    if step == "reissue":
        return services.claim_reissue(user=user, claim=claim)
    if step == "evidence":
        line = claim.lines.order_by("position").first()
        kind = DocumentKind.objects.get(code="ander")
        return services.evidence_upload(
            user=user, phase=line.phase, kind=kind, data=PDF, claim_line=line
        )
    raise AssertionError(step)


# step: (the state it starts from, the state it leads to, the roles that may take it)
STEPS = {
    "evidence": (ClaimStatus.DRAFT, ClaimStatus.DRAFT, {"provider", "administrator"}),
    "discard": (ClaimStatus.DRAFT, None, {"provider", "administrator"}),
    "submit": (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, {"provider", "administrator"}),
    "review": (
        ClaimStatus.SUBMITTED,
        ClaimStatus.IN_REVIEW,
        {"editor", "provincial", "administrator"},
    ),
    "check": (
        ClaimStatus.IN_REVIEW,
        ClaimStatus.IN_REVIEW,
        {"editor", "provincial", "administrator"},
    ),
    "approve": (CHECKED, ClaimStatus.APPROVED, {"finance", "administrator"}),
    "reject": (CHECKED, ClaimStatus.REJECTED, {"finance", "administrator"}),
    "pay": (ClaimStatus.APPROVED, ClaimStatus.PAID, {"finance", "administrator"}),
    "fail": (ClaimStatus.APPROVED, ClaimStatus.PAYMENT_FAILED, {"finance", "administrator"}),
    "reissue": (ClaimStatus.PAYMENT_FAILED, ClaimStatus.REISSUED, {"finance", "administrator"}),
}


@pytest.mark.parametrize("step", STEPS)
def test_each_step_is_taken_only_by_its_roles_and_audited(people, step):
    start, end, allowed = STEPS[step]
    claim = claim_in(start, people)
    if start == ClaimStatus.DRAFT and step == "submit":
        documented(claim, people["provider"])
    for role in ROLES:
        if role in allowed:
            continue
        with pytest.raises(PermissionDenied):
            take(step, claim, people[role])
        claim.refresh_from_db()
        assert claim.status == (start if start != CHECKED else ClaimStatus.IN_REVIEW), role
    for role in sorted(allowed):
        # Each allowed role in turn, on a claim of its own in the starting state.
        fresh = claim if role == sorted(allowed)[0] else claim_in(start, people)
        if start == ClaimStatus.DRAFT and step == "submit" and fresh is not claim:
            documented(fresh, people["provider"])
        before = Events.objects.filter(pgh_model="payments.ClaimEvent").count()
        take(step, fresh, people[role])
        if end is None:
            assert not Claim.objects.filter(pk=fresh.pk).exists()
            continue
        fresh.refresh_from_db()
        assert fresh.status == end, (step, role)
        if step != "evidence":
            assert Events.objects.filter(pgh_model="payments.ClaimEvent").count() > before
            assert fresh.steps.last().by == people[role]


def test_a_step_out_of_order_is_refused_with_the_reason(people):
    claim = claim_in(ClaimStatus.SUBMITTED, people)
    with pytest.raises(
        ValidationError, match="is ingediend: alleen een goedgekeurde schuldvordering wordt betaald"
    ):
        take("pay", claim, people["finance"])
    with pytest.raises(ValidationError, match="nog niet gecontroleerd"):
        # In review, but its sample not checked yet.
        started = claim_in(ClaimStatus.IN_REVIEW, people)
        take("approve", started, people["finance"])
    paid = claim_in(ClaimStatus.PAID, people)
    for step in ("submit", "approve", "fail", "reissue"):
        user = people["provider"] if step == "submit" else people["finance"]
        with pytest.raises(ValidationError):
            take(step, paid, user)
    assert Claim.objects.get(pk=paid.pk).status == ClaimStatus.PAID


def test_a_claim_of_another_scope_is_not_the_users_to_change(people, make_user):
    from doorstroom.roles import Role
    from mandates.models import Organisation, Province

    claim = claim_in(ClaimStatus.SUBMITTED, people)
    antwerp = make_user(
        "antwerpen", Role.PROVINCIAL, province=Province.objects.get(name="Antwerpen")
    )
    other = make_user(
        "andere", Role.PROVIDER, organisation=Organisation.objects.exclude(name="EMINO").first()
    )
    with pytest.raises(PermissionDenied):
        services.claim_review_start(user=antwerp, claim=claim)
    draft = claim_in(ClaimStatus.DRAFT, people)
    with pytest.raises(PermissionDenied):
        services.claim_submit(user=other, claim=draft)


@pytest.mark.parametrize("role", ROLES)
def test_four_eyes_for_every_role(people, make_user, role):
    """Whoever submitted or checked a claim never approves or rejects it, whatever their role:
    a role that may decide is refused by the four-eyes rule, any other by its role."""
    user = people[role]
    claim = claim_in(CHECKED, people)
    # As the checker: the claim's check made by this user where their role may check.
    if role in STEPS["check"][2]:
        fresh = claim_in(ClaimStatus.IN_REVIEW, people)
        take("check", fresh, user)
        for step in ("approve", "reject"):
            with pytest.raises((ValidationError, PermissionDenied)):
                take(step, fresh, user)
    # As the submitter: the provider, or an administrator submitting for it.
    if role in STEPS["submit"][2]:
        own = claim_in(ClaimStatus.DRAFT, people)
        documented(own, people["provider"])
        take("submit", own, user)
        if role in STEPS["check"][2]:
            with pytest.raises(ValidationError, match="U hebt deze schuldvordering ingediend"):
                take("review", own, user)
        take("review", own, people["editor"])
        take("check", own, people["editor"])
        for step in ("approve", "reject"):
            with pytest.raises((ValidationError, PermissionDenied)):
                take(step, own, user)
        assert Claim.objects.get(pk=own.pk).status == ClaimStatus.IN_REVIEW
    # Neither: only the roles that decide may decide.
    if role in STEPS["approve"][2]:
        take("approve", claim, user)
        assert Claim.objects.get(pk=claim.pk).decided_by == user
    else:
        with pytest.raises(PermissionDenied):
            take("approve", claim, user)


def test_the_same_administrator_cannot_check_and_approve(people):
    admin = people["administrator"]
    claim = claim_in(ClaimStatus.IN_REVIEW, people)
    take("check", claim, admin)
    with pytest.raises(ValidationError, match="U hebt deze schuldvordering gecontroleerd"):
        take("approve", claim, admin)
    with pytest.raises(ValidationError, match="gecontroleerd"):
        take("reject", claim, admin)
    assert Claim.objects.get(pk=claim.pk).decided_by is None


def test_the_sample_is_drawn_again_from_its_seed(people):
    claim = claim_in(ClaimStatus.IN_REVIEW, people, trajectories=12)
    line_ids = list(claim.lines.values_list("pk", flat=True))
    assert len(line_ids) == 48
    assert claim.sample_size == 5  # a tenth, rounded up
    chosen = services.sample_select(
        seed=claim.sample_seed, line_ids=line_ids, size=claim.sample_size
    )
    assert chosen == sorted(claim.lines.filter(in_sample=True).values_list("pk", flat=True))
    assert services.sample_size(2) == 2 and services.sample_size(1000) == 30


def test_a_rejected_claim_frees_its_phases_for_a_new_claim(people):
    rejected = claim_in(ClaimStatus.REJECTED, people)
    phases = set(rejected.lines.values_list("phase_id", flat=True))
    again = services.claim_create(
        user=people["provider"],
        mandate=rejected.mandate,
        period_start=rejected.period_start,
        period_end=rejected.period_end,
    )
    assert set(again.lines.values_list("phase_id", flat=True)) == phases
    assert ClaimLine.objects.filter(phase_id__in=phases).count() == 2 * len(phases)


def test_a_payment_matches_its_reference_and_approved_amount(people):
    claim = claim_in(ClaimStatus.APPROVED, people)
    finance = people["finance"]
    good = {"reference": claim.payment_reference, "amount": claim.approved_amount}
    for wrong, field in (
        ({"reference": "SV-999999-1"}, "reference"),
        ({"amount": claim.approved_amount + Decimal("0.01")}, "amount"),
        ({"amount": claim.approved_amount - Decimal("0.01")}, "amount"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.payment_record(
                user=finance, claim=claim, paid_on=timezone.localdate(), **{**good, **wrong}
            )
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.payment_record(
            user=finance, claim=claim, paid_on=timezone.localdate() + dt.timedelta(days=1), **good
        )
    assert "paid_on" in refused.value.message_dict
    services.payment_fail(user=finance, claim=claim, reason="Rekening gesloten.")
    services.claim_reissue(user=finance, claim=claim)
    claim.refresh_from_db()
    assert claim.payment_reference.endswith("-2")
    with pytest.raises(ValidationError):  # the first issue's reference no longer pays
        services.payment_record(user=finance, claim=claim, paid_on=timezone.localdate(), **{**good})
    payment = services.payment_record(
        user=finance,
        claim=claim,
        reference=claim.payment_reference,
        paid_on=timezone.localdate(),
        amount=claim.approved_amount,
    )
    assert payment.claim.status == ClaimStatus.PAID
    steps = list(claim.steps.values_list("to_status", flat=True))
    assert steps[-3:] == ["betaling_mislukt", "opnieuw_uitgegeven", "betaald"]
