"""Retention: a worker is listed to the administrators a month before their keeping ends (the
31 December, five years after the year of the later of their last payment and their last
trajectory's end), then erased by the one erasure, every figure kept; each run is recorded in
counts, and the administrators' notification names references, never a name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Sum

from mandates.models import Mandate
from notifications.models import Kind, Notification, RetentionNotice, RetentionRun
from notifications.retention import due_on, retention_run
from notifications.texts import notification_text
from payments.models import ClaimLine, Payment
from payments.states import ClaimStatus
from tests.factories.payments import claim_in, completed_trajectory, payment_people
from trajectories.models import PhaseRecord, Trajectory, Worker
from trajectories.services import trajectory_start, worker_create


def figures() -> dict:
    """What the summaries are made of: counts, hours and fees per mandate, claims, payments."""
    return {
        "hours": Trajectory.objects.hours_per_mandate(),
        "by_status": list(
            Trajectory.objects.values("status", "mandate").annotate(n=Count("id")).order_by()
        ),
        "fees": PhaseRecord.objects.aggregate(total=Sum("fee_amount"), n=Count("id")),
        "claimed": ClaimLine.objects.aggregate(total=Sum("amount")),
        "paid": Payment.objects.aggregate(total=Sum("amount")),
        "workers": Worker.objects.count(),
    }


@pytest.fixture
def workers(seed, make_user):
    """Paid: a completed trajectory of 2024 paid today (kept until 31/12 five years after this
    year); unpaid: completed in 2024, never paid (kept until 31/12/2029); running: a trajectory
    still running."""
    people = payment_people(make_user)
    claim = claim_in(ClaimStatus.PAID, people)
    paid = claim.lines.first().trajectory.worker
    mandate = Mandate.objects.get(project_number=6454)
    unpaid = completed_trajectory(mandate).worker
    unpaid.first_name, unpaid.last_name, unpaid.insz = "Wannes", "Verhaegen", "85073003328"
    unpaid.save()
    running = trajectory_start(
        worker=worker_create(first_name="Lotte", last_name="Smet"),
        mandate=mandate,
        origin_employer=mandate.promoter,
        start_date=dt.date(2019, 3, 4),
    ).worker
    return people, paid, unpaid, running, claim.payment.paid_on


def test_the_ESF_rule_lists_a_month_ahead_then_erases_keeping_every_figure(workers):
    people, paid, unpaid, running, paid_on = workers
    assert unpaid.trajectories.get().end_date.year == 2024
    assert due_on(dt.date(2024, 4, 1), 5) == dt.date(2029, 12, 31)
    before = figures()

    # More than a month before: nothing.
    assert retention_run(today=dt.date(2029, 11, 30)).noticed_count == 0
    # A month ahead: the unpaid worker is listed, the paid one (paid this year) and the one
    # whose trajectory runs are not.
    run = retention_run(today=dt.date(2029, 12, 5))
    assert (run.noticed_count, run.erased_count, run.years) == (1, 0, 5)
    notice = RetentionNotice.objects.get()
    assert (notice.worker, notice.due_on) == (unpaid, dt.date(2029, 12, 31))
    # The administrators are told, by reference only.
    [told] = Notification.objects.filter(
        user=people["administrator"], kind=Kind.RETENTION, params__stage="notice"
    )
    text = notification_text(told)
    assert unpaid.reference in text and "31/12/2029" in text
    assert (
        "Wannes" not in text and "Verhaegen" not in text and "85073003328" not in str(told.params)
    )
    assert not Notification.objects.filter(user=people["editor"], kind=Kind.RETENTION).exists()

    # The day after the keeping ended, but less than a month after the notice: kept still.
    assert retention_run(today=dt.date(2030, 1, 1)).erased_count == 0
    unpaid.refresh_from_db()
    assert unpaid.erased_at is None and unpaid.insz == "85073003328"

    # A month after the notice: erased by the one erasure, every figure the same.
    run = retention_run(today=dt.date(2030, 1, 4))
    assert (run.noticed_count, run.erased_count) == (0, 1)
    unpaid.refresh_from_db()
    assert unpaid.erased_at is not None
    assert (unpaid.first_name, unpaid.last_name, unpaid.insz) == ("", "", None)
    assert figures() == before
    for other in (paid, running):
        other.refresh_from_db()
        assert other.erased_at is None and other.last_name
    report = Notification.objects.get(user=people["administrator"], key=f"retention-run:{run.pk}")
    assert notification_text(report).startswith("Bewaartermijn: 0 doelgroepwerknemer(s) nieuw")

    # The paid worker: five years after 31 December of the year of the payment.
    kept_until = dt.date(paid_on.year + 5, 12, 31)
    assert retention_run(today=kept_until - dt.timedelta(days=31)).noticed_count == 0
    assert retention_run(today=kept_until - dt.timedelta(days=20)).noticed_count == 1
    assert retention_run(today=kept_until).erased_count == 0
    assert retention_run(today=kept_until + dt.timedelta(days=11)).erased_count == 1
    paid.refresh_from_db()
    assert paid.erased_at is not None and figures() == before
    # The running trajectory's worker is never listed; every run is on record, in counts.
    running.refresh_from_db()
    assert running.erased_at is None
    assert not RetentionNotice.objects.filter(worker=running).exists()
    assert RetentionRun.objects.count() == 8
    assert list(RetentionRun.objects.order_by("ran_at").values_list("erased_count", flat=True)) == [
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        1,
    ]


def test_a_new_trajectory_withdraws_the_notice(workers):
    _people, _paid, unpaid, _running, _paid_on = workers
    retention_run(today=dt.date(2029, 12, 5))
    assert RetentionNotice.objects.filter(worker=unpaid).exists()
    mandate = Mandate.objects.get(project_number=6454)
    trajectory_start(
        worker=unpaid,
        mandate=mandate,
        origin_employer=mandate.promoter,
        start_date=dt.date(2025, 1, 6),
    )
    run = retention_run(today=dt.date(2030, 1, 10))
    assert run.erased_count == 0 and not RetentionNotice.objects.filter(worker=unpaid).exists()
    unpaid.refresh_from_db()
    assert unpaid.erased_at is None


def test_the_years_kept_are_a_setting(workers, settings):
    settings.RETENTION_YEARS = 10
    assert retention_run(today=dt.date(2029, 12, 5)).noticed_count == 0
    run = retention_run(today=dt.date(2034, 12, 5))
    assert run.noticed_count == 1 and run.years == 10
    assert RetentionNotice.objects.get().due_on == dt.date(2034, 12, 31)
