"""Corrections without overwriting. After the health index of a month is
corrected, a run compares every paid phase with what it is due now, as a preview; approved by
someone else, its differences become top-up or recovery lines of the provider's next claim.
Nothing claimed or paid changes; the cap per trajectory holds across claims."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse

from payments import services
from payments.models import ClaimLine, CorrectionItem, CorrectionRun, LedgerMonth
from payments.states import ClaimStatus, CorrectionStatus, LineKind
from tests.factories.payments import (
    FIRST_DAY,
    claim_in,
    completed_trajectory,
    documented,
)
from tests.html_forms import forms
from trajectories.models import HealthIndexMonth, PhaseRecord

YEAR_2024 = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)}
# The months of the smoothed index of January 2024 (the reference month of fees of 2024).
SMOOTHING = [dt.date(2023, 10, 1), dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1)]


@pytest.fixture
def paid(people):
    return claim_in(ClaimStatus.PAID, people)


def index_corrected(by: str) -> None:
    HealthIndexMonth.objects.filter(month__in=SMOOTHING).update(value=F("value") + Decimal(by))


def owed() -> Decimal:
    return sum(LedgerMonth.objects.values_list("owed", flat=True), Decimal("0"))


def test_a_corrected_index_tops_up_the_next_claim_without_overwriting(people, paid):
    fees_before = list(PhaseRecord.objects.order_by("pk").values_list("fee_amount", flat=True))
    owed_before = owed()
    index_corrected("+2.00")
    run = services.correction_run_create(
        user=people["editor"], reason="Gezondheidsindex oktober 2023 - januari 2024 verbeterd."
    )
    assert run.status == CorrectionStatus.PREVIEW
    assert run.phase_count == 4 and run.item_count == 4 and run.total_difference > 0
    for item in run.items.all():
        assert item.difference == item.due_now - item.claimed_before > 0
        assert item.claimed_before == ClaimLine.objects.get(phase=item.phase).amount
    # A preview changes nothing: what was owed, claimed and paid stays.
    assert owed() == owed_before
    # Four eyes: not whoever computed it, and only finance.
    with pytest.raises(PermissionDenied):
        services.correction_run_approve(user=people["editor"], run=run)
    mine = services.correction_run_create(user=people["finance"], reason="Zelfde verbetering.")
    with pytest.raises(ValidationError, match="iemand anders keurt ze goed"):
        services.correction_run_approve(user=people["finance"], run=mine)
    services.correction_run_discard(user=people["finance"], run=mine)
    services.correction_run_approve(user=people["finance"], run=run)
    assert owed() == owed_before + run.total_difference
    # The next claim takes the top-ups (a new trajectory's phases beside them).
    completed_trajectory(paid.mandate, start=FIRST_DAY + dt.timedelta(days=3), phases=1)
    claim = services.claim_create(user=people["provider"], mandate=paid.mandate, **YEAR_2024)
    top_ups = claim.lines.filter(kind=LineKind.TOP_UP)
    assert top_ups.count() == 4 and claim.lines.filter(kind=LineKind.FEE).count() == 1
    assert sum(line.amount for line in top_ups) == run.total_difference
    assert {line.correction_item.run_id for line in top_ups} == {run.pk}
    # Nothing overwritten: the phases' fees and the paid claim's lines are as they were.
    assert (
        list(PhaseRecord.objects.order_by("pk").values_list("fee_amount", flat=True))[:4]
        == fees_before[:4]
    )
    assert paid.lines.filter(kind=LineKind.FEE).count() == 4
    # A second run now finds nothing more: the top-ups are held by the new claim.
    again = services.correction_run_create(user=people["editor"], reason="Nog eens.")
    assert again.item_count == 0
    # An approved run cannot be discarded or approved again.
    with pytest.raises(ValidationError):
        services.correction_run_discard(user=people["editor"], run=run)


def test_a_lowered_index_recovers_and_a_claim_of_recoveries_only_waits(people, paid):
    index_corrected("-1.00")
    run = services.correction_run_create(user=people["editor"], reason="Index verlaagd.")
    assert run.total_difference < 0
    services.correction_run_approve(user=people["finance"], run=run)
    claim = services.claim_create(user=people["provider"], mandate=paid.mandate, **YEAR_2024)
    assert set(claim.lines.values_list("kind", flat=True)) == {LineKind.RECOVERY}
    documented(claim, people["provider"])
    with pytest.raises(ValidationError, match="terugvorderingen"):
        services.claim_submit(user=people["provider"], claim=claim)


def test_an_outdated_preview_is_not_approved(people, paid):
    index_corrected("+1.00")
    first = services.correction_run_create(user=people["editor"], reason="Eerste.")
    second = services.correction_run_create(user=people["editor"], reason="Tweede.")
    services.correction_run_approve(user=people["finance"], run=first)
    with pytest.raises(ValidationError, match="bereken een nieuwe ronde"):
        services.correction_run_approve(user=people["finance"], run=second)


def test_the_cap_per_trajectory_holds_across_claims(people, paid):
    """A correction that would take a trajectory past its cap is refused with the reference."""
    line = paid.lines.get(phase_number=4)
    run = CorrectionRun.objects.create(reason="Met de hand", created_by=people["editor"])
    CorrectionItem.objects.create(
        run=run,
        phase=line.phase,
        trajectory=line.trajectory,
        mandate=line.mandate,
        phase_number=4,
        completed_on=line.completed_on,
        claimed_before=line.amount,
        due_now=line.amount + 1000,
        difference=1000,
        fee_schedule=line.fee_schedule,
        index_reference_month=line.index_reference_month,
        index_value=line.index_value,
        index_base_value=line.index_base_value,
    )
    CorrectionRun.objects.filter(pk=run.pk).update(
        status=CorrectionStatus.APPROVED, approved_by=people["finance"], approved_at=paid.created_at
    )
    proposal = services.claim_proposal(user=people["provider"], mandate=paid.mandate, **YEAR_2024)
    reference = line.trajectory.worker.reference
    assert len(proposal.problems) == 1
    assert proposal.problems[0].startswith(f"Traject {reference}: in totaal € ")
    assert "boven zijn plafond van" in proposal.problems[0]
    with pytest.raises(ValidationError, match="plafond"):
        services.claim_create(user=people["provider"], mandate=paid.mandate, **YEAR_2024)


def test_a_run_through_its_pages(people, paid):
    index_corrected("+2.00")
    editor, finance = Client(), Client()
    editor.force_login(people["editor"])
    finance.force_login(people["finance"])
    url = reverse("payments:corrections")
    page = editor.get(url)
    form = next(f for f in forms(page) if f.attrs.get("id") == "correction-form")
    made = editor.post(url, {**form.data(), "reason": "Index verbeterd."})
    assert made.status_code == 302
    run = CorrectionRun.objects.get()
    assert editor.get(made.url).status_code == 200
    detail = finance.get(run.get_absolute_url())
    assert "De ronde goedkeuren" in detail.content.decode()
    approve = reverse("payments:correction-approve", args=[run.pk])
    data = next(f for f in forms(detail) if f.attrs.get("action") == approve).data()
    assert finance.post(approve, data).status_code == 302
    run.refresh_from_db()
    assert run.status == CorrectionStatus.APPROVED and run.approved_by == people["finance"]
    for role in ("provider", "provincial", "analyst"):
        client = Client()
        client.force_login(people[role])
        assert client.get(url).status_code == 403
