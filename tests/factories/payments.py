"""Claims and the completed phases they are made of.

Completed phases come from the services (their fees are the real indexed fees); a claim and its
lines from the factories below, for tests of the database's own rules, or from
payments.services for everything a person does.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from payments.models import Claim, ClaimLine, DeductionReason
from payments.states import LineKind
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create

# Long enough ago that every phase has ended, recent enough that the index of its year exists.
FIRST_DAY = dt.date(2024, 1, 8)


def completed_trajectory(mandate, *, start: dt.date = FIRST_DAY, phases: int = 4):
    """A trajectory whose first `phases` phases are completed (20 days each) by the services."""
    trajectory = trajectory_start(
        worker=worker_create(first_name="Ilse", last_name="Claes"),
        mandate=mandate,
        origin_employer=mandate.promoter,
        start_date=start,
    )
    day = start
    for number in range(1, phases + 1):
        if number > 1:
            phase_start(trajectory=trajectory, start_date=day)
        day += dt.timedelta(days=20)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("12"))
    trajectory.refresh_from_db()
    return trajectory


class ClaimFactory(factory.django.DjangoModelFactory):
    """A draft claim without lines; add them with ClaimLineFactory."""

    class Meta:
        model = Claim

    period_start = dt.date(2024, 1, 1)
    period_end = dt.date(2024, 12, 31)


class ClaimLineFactory(factory.django.DjangoModelFactory):
    """The fee line of a completed phase, frozen as the services freeze it."""

    class Meta:
        model = ClaimLine

    kind = LineKind.FEE
    position = factory.Sequence(lambda n: n + 1)
    mandate = factory.LazyAttribute(lambda o: o.claim.mandate)
    trajectory = factory.LazyAttribute(lambda o: o.phase.trajectory)
    phase_number = factory.LazyAttribute(lambda o: o.phase.phase)
    completed_on = factory.LazyAttribute(lambda o: o.phase.end_date)
    amount = factory.LazyAttribute(lambda o: o.phase.fee_amount)
    fee_schedule = factory.LazyAttribute(lambda o: o.phase.fee_schedule)
    index_reference_month = factory.LazyAttribute(lambda o: o.phase.index_reference_month)
    index_value = factory.LazyAttribute(lambda o: o.phase.index_value)
    index_base_value = factory.LazyAttribute(lambda o: o.phase.index_base_value)


class DeductionReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeductionReason
        django_get_or_create = ("code",)

    code = "bewijs-ontbreekt"
    label = "Bewijsstuk ontbreekt of is onvolledig"


# --- people and claims driven by the services ---------------------------------------------------

# The smallest file that is a PDF by its content.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def payment_people(make_user) -> dict:
    """One user of every role; the provider is EMINO's (mandates 7887, 7889), the provincial
    staff Limburg's (7887 is in Limburg). Needs the seed."""
    from doorstroom.roles import Role
    from mandates.models import Organisation, Province

    return {
        "provider": make_user(
            "emino", Role.PROVIDER, organisation=Organisation.objects.get(name="EMINO")
        ),
        "provincial": make_user(
            "limburg", Role.PROVINCIAL, province=Province.objects.get(name="Limburg"), is_staff=True
        ),
        "editor": make_user("redactie", Role.EDITOR, is_staff=True),
        "finance": make_user("financien", Role.FINANCE, is_staff=True),
        "administrator": make_user("beheer", Role.ADMINISTRATOR, is_staff=True),
        "analyst": make_user("analist", Role.ANALYST),
        "no-role": make_user("geen-rol", None),
    }


def documented(claim, user) -> None:
    """Every document the claim's phases need, as PDFs uploaded by `user`."""
    from payments.models import EvidenceRequirement
    from payments.services import evidence_upload

    required = {}
    for requirement in EvidenceRequirement.objects.select_related("kind"):
        required.setdefault(requirement.phase, []).append(requirement.kind)
    for line in claim.lines.filter(kind=LineKind.FEE).select_related("phase"):
        for kind in required.get(line.phase_number, []):
            evidence_upload(
                user=user,
                phase=line.phase,
                kind=kind,
                data=PDF,
                claim_line=line,
            )


def claim_made(people, *, trajectories: int = 1, project_number: int = 7887):
    """A draft claim of 2024 by the provider, of `trajectories` completed trajectories."""
    from mandates.models import Mandate
    from payments.services import claim_create

    mandate = Mandate.objects.get(project_number=project_number)
    for offset in range(trajectories):
        completed_trajectory(mandate, start=FIRST_DAY + dt.timedelta(days=offset))
    return claim_create(
        user=people["provider"],
        mandate=mandate,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )


# In review with its sample checked (a status of its own for the tests only).
CHECKED = "gecontroleerd"


def claim_in(status: str, people, **made):
    """A claim driven by the services to `status` (or CHECKED), each step by the role whose it
    is: the provider, an editor, finance."""
    from payments import services
    from payments.states import CheckResult, ClaimStatus

    claim = claim_made(people, **made)
    if status == ClaimStatus.DRAFT:
        return claim
    documented(claim, people["provider"])
    services.claim_submit(user=people["provider"], claim=claim)
    if status == ClaimStatus.SUBMITTED:
        return _fresh(claim)
    services.claim_review_start(user=people["editor"], claim=claim)
    if status == ClaimStatus.IN_REVIEW:
        return _fresh(claim)
    sample = claim.lines.filter(in_sample=True)
    services.claim_check_record(
        user=people["editor"],
        claim=claim,
        results={line.pk: (CheckResult.OK, "") for line in sample},
    )
    if status == CHECKED:
        return _fresh(claim)
    if status == ClaimStatus.REJECTED:
        services.claim_reject(user=people["finance"], claim=claim, reason="Niet conform.")
        return _fresh(claim)
    services.claim_approve(user=people["finance"], claim=claim)
    claim = _fresh(claim)
    if status == ClaimStatus.APPROVED:
        return claim
    if status in (ClaimStatus.PAYMENT_FAILED, ClaimStatus.REISSUED):
        services.payment_fail(user=people["finance"], claim=claim, reason="Rekening onbekend.")
        if status == ClaimStatus.REISSUED:
            services.claim_reissue(user=people["finance"], claim=claim)
        return _fresh(claim)
    services.payment_record(
        user=people["finance"],
        claim=claim,
        reference=claim.payment_reference,
        paid_on=timezone.localdate(),
        amount=claim.approved_amount,
    )
    return _fresh(claim)


def _fresh(claim):
    claim.refresh_from_db()
    return claim


def client_of(user):
    """A test client logged in as `user`, one per person of a four-eyes step."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
