"""A claim takes the completed phases not yet claimed, freezes what
each was owed, holds to the mandate's budget, and is refused with a reason naming the line."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstroom.formatting import format_amount
from mandates.models import Mandate
from payments import services
from payments.models import ClaimLine, EvidenceDocument, MandateBudget
from payments.states import ClaimStatus, LineKind
from tests.factories.payments import (
    FIRST_DAY,
    claim_made,
    completed_trajectory,
    documented,
)
from trajectories.models import HealthIndexMonth, Phase
from trajectories.services import phase_start, trajectory_start, worker_create

YEAR_2024 = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)}


@pytest.fixture
def mandate(seed):
    return Mandate.objects.get(project_number=7887)


def test_a_claim_takes_the_completed_unclaimed_phases_of_its_period(people, mandate):
    from tests.factories.mandates import OrganisationFactory

    done = completed_trajectory(mandate)
    # Two phases completed, the third still running: only the two are owed.
    half = completed_trajectory(mandate, phases=2)
    phase_start(trajectory=half, start_date=FIRST_DAY + dt.timedelta(days=40))
    # Completed in 2023, and another mandate's: outside this claim.
    completed_trajectory(mandate, start=dt.date(2023, 3, 1), phases=1)
    completed_trajectory(Mandate.objects.get(project_number=7889))
    trajectory_start(
        worker=worker_create(first_name="An", last_name="Maes"),
        mandate=mandate,
        origin_employer=OrganisationFactory(),
        start_date=FIRST_DAY,
    )
    claim = services.claim_create(user=people["provider"], mandate=mandate, **YEAR_2024)
    lines = list(claim.lines.select_related("phase"))
    assert sorted((line.trajectory_id, line.phase_number) for line in lines) == sorted(
        [(done.pk, n) for n in range(1, 5)] + [(half.pk, 1), (half.pk, 2)]
    )
    assert [line.position for line in claim.lines.all()] == list(range(1, 7))
    assert claim.claimed_amount == sum(line.amount for line in lines)
    assert claim.line_count == 6 and claim.status == ClaimStatus.DRAFT
    for line in lines:
        assert line.kind == LineKind.FEE
        assert (line.amount, line.fee_schedule_id, line.index_value, line.completed_on) == (
            line.phase.fee_amount,
            line.phase.fee_schedule_id,
            line.phase.index_value,
            line.phase.end_date,
        )
    # A second claim for the same period finds nothing left: no phase is claimed twice.
    with pytest.raises(ValidationError, match="Geen afgeronde fase van dit mandaat wacht"):
        services.claim_create(user=people["provider"], mandate=mandate, **YEAR_2024)


def test_a_line_keeps_what_the_phase_was_owed_when_the_index_changes(people, mandate):
    claim = claim_made(people)
    before = list(claim.lines.values_list("amount", "index_value"))
    HealthIndexMonth.objects.filter(month__year=2024).update(value=Decimal("150.00"))
    assert list(claim.lines.values_list("amount", "index_value")) == before


def test_only_the_provider_of_the_mandate_makes_its_claims(people, mandate, make_user):
    from doorstroom.roles import Role
    from mandates.models import Organisation

    completed_trajectory(mandate)
    other = make_user(
        "ander", Role.PROVIDER, organisation=Organisation.objects.get(name="JOB & CO")
    )
    with pytest.raises(PermissionDenied):
        services.claim_create(user=other, mandate=mandate, **YEAR_2024)
    for role in ("editor", "finance", "provincial", "analyst"):
        with pytest.raises(PermissionDenied):
            services.claim_create(user=people[role], mandate=mandate, **YEAR_2024)


def test_a_period_in_the_future_or_backwards_is_refused_on_its_field(people, mandate):
    with pytest.raises(ValidationError) as refused:
        services.claim_create(
            user=people["provider"],
            mandate=mandate,
            period_start=dt.date(2024, 6, 1),
            period_end=dt.date(2024, 5, 31),
        )
    assert "De periode eindigt voor ze begint." in refused.value.message_dict["period_end"]
    with pytest.raises(ValidationError) as refused:
        services.claim_create(
            user=people["provider"],
            mandate=mandate,
            period_start=dt.date(2024, 6, 1),
            period_end=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "period_end" in refused.value.message_dict


def test_a_claim_without_its_evidence_is_not_submitted_and_says_which_line(people):
    claim = claim_made(people)
    with pytest.raises(ValidationError) as refused:
        services.claim_submit(user=people["provider"], claim=claim)
    reference = claim.lines.first().trajectory.worker.reference
    assert refused.value.messages == [
        f"Regel 3 ({reference}, Stage): Stageovereenkomst ontbreekt.",
        f"Regel 4 ({reference}, Nazorg): Bewijs van tewerkstelling ontbreekt.",
    ]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    documented(claim, people["provider"])
    services.claim_submit(user=people["provider"], claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.submitted_by == people["provider"]


def test_the_budget_warns_before_and_refuses_a_claim_over_it(people, mandate):
    for offset in range(2):
        completed_trajectory(mandate, start=FIRST_DAY + dt.timedelta(days=offset))
    owed = services.claim_proposal(user=people["provider"], mandate=mandate, **YEAR_2024).total
    budget = MandateBudget.objects.create(mandate=mandate, amount=owed - 1, max_trajectories=5)
    proposal = services.claim_proposal(user=people["provider"], mandate=mandate, **YEAR_2024)
    assert proposal.problems == [
        f"Deze schuldvordering van {format_amount(owed)} zou het budget van het mandaat "
        f"overschrijden: € 0,00 van {format_amount(owed - 1)} is al gevorderd of goedgekeurd, "
        f"er blijft {format_amount(owed - 1)} over."
    ]
    with pytest.raises(ValidationError, match="zou het budget van het mandaat overschrijden"):
        services.claim_create(user=people["provider"], mandate=mandate, **YEAR_2024)
    assert not ClaimLine.objects.exists()
    budget.amount = owed + 100
    budget.max_trajectories = 1
    budget.save()
    proposal = services.claim_proposal(user=people["provider"], mandate=mandate, **YEAR_2024)
    assert proposal.problems == [
        "Met deze schuldvordering komt het mandaat op 2 trajecten, meer dan de 1 van zijn budget."
    ]
    budget.max_trajectories = 2
    budget.save()
    proposal = services.claim_proposal(user=people["provider"], mandate=mandate, **YEAR_2024)
    assert proposal.problems == []
    assert proposal.warnings == [
        f"Met deze schuldvordering is {format_amount(owed)} van het budget van "
        f"{format_amount(owed + 100)} gebruikt."
    ]
    claim = services.claim_create(user=people["provider"], mandate=mandate, **YEAR_2024)
    # Lowered meanwhile: the draft is no longer submitted.
    documented(claim, people["provider"])
    budget.amount = Decimal("100.00")
    budget.save()
    with pytest.raises(ValidationError, match="overschrijden"):
        services.claim_submit(user=people["provider"], claim=claim)


def test_a_discarded_draft_frees_its_phases_and_leaves_the_documents(people):
    claim = claim_made(people)
    documented(claim, people["provider"])
    phases = set(claim.lines.values_list("phase_id", flat=True))
    services.claim_discard(user=people["provider"], claim=claim)
    assert not ClaimLine.objects.exists()
    assert EvidenceDocument.objects.filter(phase_id__in=phases, claim_line=None).count() == 2
    again = services.claim_create(user=people["provider"], mandate=claim.mandate, **YEAR_2024)
    assert set(again.lines.values_list("phase_id", flat=True)) == phases
    # A submitted claim is no longer thrown away.
    documented(again, people["provider"])
    services.claim_submit(user=people["provider"], claim=again)
    with pytest.raises(ValidationError, match="Alleen een ontwerp"):
        services.claim_discard(user=people["provider"], claim=again)


def test_the_phases_of_a_claim_keep_their_order_names(people):
    claim = claim_made(people)
    assert [line.get_phase_number_display() for line in claim.lines.all()] == [
        str(Phase(n).label) for n in range(1, 5)
    ]
