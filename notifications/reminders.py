"""The reminders: what is near or past its date, told to whoever's work it is.

Each scan adds only what was not told before (the constraint on Notification), so it may run as
often as wanted; notifications.mail then e-mails them as each user chose.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from doorstroom.roles import Role
from notifications.models import Kind
from notifications.services import Item, notifications_add, users_with_role
from payments.models import Claim
from payments.states import ClaimStatus
from questions.models import ParliamentaryQuestion, QuestionStatus
from trajectories.models import PhaseRecord


def _stage(deadline: dt.date, today: dt.date) -> str:
    return "past" if deadline < today else "near"


def phase_reminders_add(*, today: dt.date) -> int:
    """Running phases within 14 days of their maximum duration or past it, to the provider
    users of the trajectory's mandate (the phases each of them may see)."""
    added = 0
    for user in users_with_role(Role.PROVIDER):
        phases = (
            PhaseRecord.objects.visible_to(user)
            .near_or_past_deadline(today)
            .select_related("trajectory__worker", "trajectory__mandate")
            .order_by("deadline", "pk")
        )
        items = [
            Item(
                key=f"phase:{phase.pk}:{_stage(phase.deadline, today)}",
                params={
                    "stage": _stage(phase.deadline, today),
                    "phase": phase.phase,
                    "trajectory": phase.trajectory_id,
                    "worker": phase.trajectory.worker.reference,
                    "mandate": phase.trajectory.mandate.project_number,
                    "deadline": phase.deadline.isoformat(),
                },
                url=reverse("trajectories:detail", args=[phase.trajectory_id]),
            )
            for phase in phases
        ]
        added += notifications_add(users=[user], kind=Kind.PHASE_DEADLINE, items=items)
    return added


def question_reminders_add(*, today: dt.date) -> int:
    """Unanswered parliamentary questions due within NOTIFY_QUESTION_DAYS (or overdue), to
    the VDAB editors."""
    horizon = today + dt.timedelta(days=settings.NOTIFY_QUESTION_DAYS)
    questions = (
        ParliamentaryQuestion.objects.exclude(status=QuestionStatus.ANSWERED)
        .filter(deadline__isnull=False, deadline__lte=horizon)
        .order_by("deadline", "pk")
    )
    items = [
        Item(
            key=f"question:{question.pk}:{_stage(question.deadline, today)}",
            params={
                "stage": _stage(question.deadline, today),
                "number": question.number,
                "deadline": question.deadline.isoformat(),
            },
            url=question.get_absolute_url(),
        )
        for question in questions
    ]
    return notifications_add(
        users=users_with_role(Role.EDITOR), kind=Kind.QUESTION_DEADLINE, items=items
    )


def claim_reminders_add(*, today: dt.date) -> int:
    """Claims submitted more than NOTIFY_CLAIM_WAITING_DAYS ago and not decided yet (waiting
    for their review to start or to end), to finance staff."""
    waited = today - dt.timedelta(days=settings.NOTIFY_CLAIM_WAITING_DAYS)
    claims = (
        Claim.objects.filter(
            status__in=[ClaimStatus.SUBMITTED, ClaimStatus.IN_REVIEW],
            submitted_at__date__lt=waited,
        )
        .select_related("mandate")
        .order_by("submitted_at", "pk")
    )
    items = [
        Item(
            key=f"claim:{claim.pk}",
            params={
                "claim": claim.number,
                "mandate": claim.mandate.project_number,
                "since": claim.submitted_at.date().isoformat(),
            },
            url=claim.get_absolute_url(),
        )
        for claim in claims
    ]
    return notifications_add(
        users=users_with_role(Role.FINANCE), kind=Kind.CLAIM_WAITING, items=items
    )


def reminders_add(*, today: dt.date) -> int:
    return (
        phase_reminders_add(today=today)
        + question_reminders_add(today=today)
        + claim_reminders_add(today=today)
    )
