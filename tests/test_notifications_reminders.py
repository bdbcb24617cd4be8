"""Reminders sent by procrastinate's periodic tasks through a real worker to a real SMTP server,
as each user chose (immediately, a daily digest, not at all), in each user's language, once, and
with pseudonymous references only."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone

from doorstroom.roles import Role
from mandates.models import Mandate, Organisation
from notifications.mail import notifications_email
from notifications.models import (
    Delivery,
    Kind,
    Notification,
    Preference,
    RetentionRun,
    UserLanguage,
)
from notifications.reminders import reminders_add
from notifications.services import Item, notifications_add
from payments.models import Claim
from payments.states import ClaimStatus
from questions.models import ParliamentaryQuestion, QuestionStatus
from tests.factories.payments import claim_in, payment_people
from tests.notifications_support import defer_periodic, run_worker
from trajectories.dates import add_months
from trajectories.models import PhaseRecord
from trajectories.services import trajectory_start, worker_create

NAMES = ("Zacharias", "Vandenbroucke")
INSZ = "85073003328"


def running_phase(mandate, *, deadline_in_days: int, insz: str | None = None):
    """A trajectory of `mandate` whose running first phase reaches its maximum in so many days
    (negative: passed it)."""
    today = timezone.localdate()
    trajectory = trajectory_start(
        worker=worker_create(first_name=NAMES[0], last_name=NAMES[1], insz=insz),
        mandate=mandate,
        origin_employer=mandate.promoter,
        start_date=today - dt.timedelta(days=1),
    )
    phase = trajectory.phases.get()
    start = add_months(today, -phase.max_months) + dt.timedelta(days=deadline_in_days)
    type(trajectory).objects.filter(pk=trajectory.pk).update(start_date=start)
    PhaseRecord.objects.filter(pk=phase.pk).update(start_date=start)
    phase.refresh_from_db()
    assert phase.deadline == today + dt.timedelta(days=deadline_in_days)
    return phase


@pytest.fixture
def world(transactional_db, seed, make_user):
    people = payment_people(make_user)
    emino = Organisation.objects.get(name="EMINO")
    users = {
        "now": people["provider"],
        "digest": make_user("emino-dagelijks", Role.PROVIDER, organisation=emino),
        "never": make_user("emino-nooit", Role.PROVIDER, organisation=emino),
        "other": make_user(
            "gent", Role.PROVIDER, organisation=Mandate.objects.get(project_number=6454).promoter
        ),
        "editor": people["editor"],
        "finance": people["finance"],
    }
    for name, user in users.items():
        user.email = f"{name}@example.be"
        user.save(update_fields=["email"])
    Preference.objects.create(
        user=users["now"], kind=Kind.PHASE_DEADLINE, delivery=Delivery.IMMEDIATELY
    )
    Preference.objects.create(
        user=users["never"], kind=Kind.PHASE_DEADLINE, delivery=Delivery.NEVER
    )
    UserLanguage.objects.create(user=users["now"], language="en")
    # The claim (EMINO's 7887) waits for finance since 20 days.
    claim = claim_in(ClaimStatus.SUBMITTED, people)
    Claim.objects.filter(pk=claim.pk).update(submitted_at=timezone.now() - dt.timedelta(days=20))
    mandate = Mandate.objects.get(project_number=7887)
    phases = {
        "near": running_phase(mandate, deadline_in_days=5, insz=INSZ),
        "past": running_phase(mandate, deadline_in_days=-3),
        "later": running_phase(mandate, deadline_in_days=20),
    }
    ParliamentaryQuestion.objects.update(deadline=None)
    today = timezone.localdate()
    question = ParliamentaryQuestion.objects.create(
        number=912,
        date=today - dt.timedelta(days=20),
        asked_by="Parlementslid",
        addressed_to="Minister van Werk",
        subject="Doorstroom",
        status=QuestionStatus.IN_PROGRESS,
        deadline=today + dt.timedelta(days=3),
    )
    # Answered: no reminder whatever its deadline.
    ParliamentaryQuestion.objects.create(
        number=913,
        date=today - dt.timedelta(days=20),
        asked_by="Parlementslid",
        addressed_to="Minister van Werk",
        subject="Doorstroom",
        status=QuestionStatus.ANSWERED,
        answered_on=today,
        deadline=today + dt.timedelta(days=3),
    )
    return users, phases, question, claim


def test_reminders_run_by_a_real_worker_reach_a_real_smtp_server_as_each_user_chose(
    world, smtp, jobs
):
    users, phases, question, claim = world
    now = int(time.time())

    defer_periodic("reminders", now)
    run_worker()
    assert jobs() == [("notifications.reminders", "succeeded")]

    # Immediately: one e-mail per phase near or past its maximum, in the user's language.
    mails = smtp.to("now@example.be")
    assert len(mails) == 2
    texts = sorted(smtp.text(m) for m in mails)
    traj = {k: p.trajectory_id for k, p in phases.items()}
    assert f"Phase 1 of trajectory {traj['near']} " in texts[1] + texts[0]
    assert "reaches its maximum duration" in "".join(texts)
    assert "passed its maximum duration" in "".join(texts)
    assert set(Notification.objects.filter(user=users["now"]).values_list("key", flat=True)) == {
        f"phase:{phases['near'].pk}:near",
        f"phase:{phases['past'].pk}:past",
    }
    assert all(str(m["Subject"]).startswith("Doorstroom:") for m in mails)
    assert f"/trajecten/{traj['near']}/" in "".join(smtp.html(m) for m in mails)
    # The digest reader gets nothing yet, the one who chose "not at all" nothing ever, the
    # provider of another organisation nothing about these phases.
    for name in ("digest", "never", "other"):
        assert smtp.to(f"{name}@example.be") == []
    assert not Notification.objects.filter(user=users["never"]).exists()
    assert not Notification.objects.filter(user=users["other"]).exists()
    # Editors of the question, finance of the claim: in Dutch, the default language.
    [to_editor] = smtp.to("editor@example.be")
    assert f"Parlementaire vraag {question.number}" in smtp.text(to_editor)
    [to_finance] = smtp.to("finance@example.be")
    assert claim.number in smtp.text(to_finance) and "7887" in smtp.text(to_finance)

    # The daily digest: one e-mail with both phases.
    defer_periodic("digest", now)
    run_worker()
    [digest] = smtp.to("digest@example.be")
    assert "2" in str(digest["Subject"])
    body = smtp.text(digest)
    assert str(traj["near"]) in body and str(traj["past"]) in body

    # A second run an hour later tells nothing again.
    before = len(smtp.messages)
    defer_periodic("reminders", now + 3600)
    defer_periodic("digest", now + 3600)
    run_worker()
    assert len(smtp.messages) == before
    assert [s for _n, s in jobs()] == ["succeeded"] * 4

    # Pseudonymous references only: never the worker's name or national number.
    everything = smtp.everything()
    assert "DW-" in everything
    for secret in (*NAMES, INSZ):
        assert secret not in everything


def test_a_periodic_run_is_queued_once_and_run_by_a_worker(world, jobs):
    now = int(time.time())
    defer_periodic("reminders", now)
    defer_periodic("reminders", now)  # the same schedule: one job
    defer_periodic("reminders", now + 3600)  # the next while one waits: the queueing lock
    assert jobs() == [("notifications.reminders", "todo")]
    run_worker()
    assert jobs() == [("notifications.reminders", "succeeded")]
    # The retention task too, through the worker: its run is recorded (nobody is due here).
    defer_periodic("retention", now)
    run_worker()
    assert jobs()[-1] == ("notifications.retention", "succeeded")
    assert list(RetentionRun.objects.values_list("noticed_count", "erased_count")) == [(0, 0)]


def test_a_reminder_is_added_once_and_emailed_once_by_two_workers_at_once(world, smtp):
    users, _phases, _question, _claim = world
    today = timezone.localdate()
    first = reminders_add(today=today)
    assert first > 0
    assert reminders_add(today=today) == 0
    # Twenty more at once, sent by two senders racing each other.
    items = [
        Item(key=f"test:{i}", params={"stage": "near", "number": i, "deadline": today.isoformat()})
        for i in range(20)
    ]
    notifications_add(users=[users["editor"]], kind=Kind.QUESTION_DEADLINE, items=items)
    expected = Notification.objects.filter(delivery=Delivery.IMMEDIATELY, emailed_at=None).count()
    start = threading.Barrier(2)
    sent = []

    def sender():
        from django.db import connection

        start.wait()
        try:
            sent.append(notifications_email(delivery=Delivery.IMMEDIATELY))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == expected == len(smtp.messages)
    subjects_and_bodies = [(m["To"], smtp.text(m)) for m in smtp.messages]
    assert len(set(subjects_and_bodies)) == len(subjects_and_bodies)
    assert notifications_email(delivery=Delivery.IMMEDIATELY) == 0
