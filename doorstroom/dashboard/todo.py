"""Each role's "to do" on the dashboard: only what that role can act on, each with its link.

A group counts what waits (by the listing's own filters where a listing has one, so the link
shows the same number) and names the first few, most urgent first. Nothing names a worker: the
dashboard is no page of personal data (the listings it links to are, and log their views).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from doorstroom import hooks, roles
from questions.filters import QuestionFilter
from questions.models import ParliamentaryQuestion
from trajectories.filters import DeadlineFilter
from trajectories.models import ImportBatch, ImportStatus, PhaseRecord

SHOWN = 3  # items named per group; the link leads to all of them


@dataclass
class TodoItem:
    text: str
    url: str
    late: bool = False


@dataclass
class TodoGroup:
    key: str
    title: str
    count: int
    url: str
    items: list[TodoItem] = field(default_factory=list)


def first_of(filterset_class, params: dict, queryset, user):
    """The rows of a listing's filter for these parameters: (their number, the first SHOWN)."""
    filterset = filterset_class(data=params, queryset=queryset, request=SimpleNamespace(user=user))
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    return rows.count(), list(rows[:SHOWN])


def day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def phases_group(user, params: dict[str, str]) -> TodoGroup:
    today = timezone.localdate()
    listing = {"call": params.get("call", ""), "province": params.get("province", "")}
    listing = {k: v for k, v in listing.items() if v}
    phases = PhaseRecord.objects.near_or_past_deadline(today).visible_to(user)
    count, first = first_of(
        DeadlineFilter,
        listing,
        phases.select_related("trajectory__mandate").order_by("deadline", "pk"),
        user,
    )
    items = [
        TodoItem(
            gettext("%(phase)s, mandate %(mandate)s: maximum duration %(verb)s %(day)s")
            % {
                "phase": phase.get_phase_display(),
                "mandate": phase.trajectory.mandate.project_number,
                "verb": gettext("passed on") if phase.deadline < today else gettext("ends on"),
                "day": day(phase.deadline),
            },
            phase.trajectory.get_absolute_url(),
            late=phase.deadline < today,
        )
        for phase in first
    ]
    url = reverse("trajectories:deadlines") + (f"?{urlencode(listing)}" if listing else "")
    return TodoGroup("phases", gettext("Phases that need a step"), count, url, items)


def questions_group(user) -> TodoGroup:
    listing = {"due": "true"}
    questions = ParliamentaryQuestion.objects.order_by(F("deadline").asc(nulls_last=True), "pk")
    count, first = first_of(QuestionFilter, listing, questions, user)
    today = timezone.localdate()
    items = [
        TodoItem(
            gettext("Question %(number)s (%(subject)s): answer by %(day)s")
            % {"number": q.number, "subject": q.subject, "day": day(q.deadline)},
            q.get_absolute_url(),
            late=q.deadline < today,
        )
        for q in first
    ]
    return TodoGroup(
        "questions",
        gettext("Parliamentary questions due"),
        count,
        reverse("questions:list") + "?due=true",
        items,
    )


def imports_group(user) -> TodoGroup:
    waiting = ImportBatch.objects.visible_to(user).filter(status=ImportStatus.CHECKED)
    count = waiting.count()
    first = waiting.defer("content", "report").order_by("created_at", "pk")[:SHOWN]
    items = [
        TodoItem(
            ngettext(
                "%(file)s, uploaded %(day)s: %(rows)s row checked, not applied",
                "%(file)s, uploaded %(day)s: %(rows)s rows checked, not applied",
                batch.row_count,
            )
            % {
                "file": batch.file_name,
                "day": day(timezone.localtime(batch.created_at)),
                "rows": batch.row_count,
            },
            batch.get_absolute_url(),
        )
        for batch in first
    ]
    return TodoGroup(
        "imports",
        gettext("Imports waiting to be applied"),
        count,
        reverse("trajectories:import"),
        items,
    )


def todo_groups(user, params: dict[str, str]) -> list[TodoGroup]:
    """What this user's role acts on: a provider or province its phases near or past their
    maximum, VDAB the questions due and the imports waiting, whoever checks or decides on
    claims the claims at that step."""
    role = roles.role_of(user)
    groups = []
    if role in (roles.Role.PROVIDER, roles.Role.PROVINCIAL):
        groups.append(phases_group(user, params))
    if role in (roles.Role.ADMINISTRATOR, roles.Role.EDITOR, roles.Role.ANALYST):
        groups.append(questions_group(user))
    if role in (roles.Role.ADMINISTRATOR, roles.Role.EDITOR):
        groups.append(imports_group(user))
    for more in hooks.DASHBOARD_TODO.ask(user=user):
        groups.extend(more)
    return groups
