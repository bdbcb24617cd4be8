"""A rule of the database that a form breaks says what is wrong in words staff understand, never
Django's default "Beperking 'trajectory_end_date_iff_ended' is geschonden." (the constraint's
name: a code identifier)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.apps import apps
from django.db.models import BaseConstraint, CheckConstraint, Q, UniqueConstraint
from django.urls import reverse
from django.utils import timezone

from mandates.models import Mandate
from questions.models import ParliamentaryQuestion
from tests.admin_posts import admin_tables, fingerprint, page_data
from tests.factories.mandates import OrganisationFactory
from trajectories.models import Trajectory, TrajectoryStatus
from trajectories.services import trajectory_start, worker_create

PROJECT_APPS = (
    "doorstroom",
    "mandates",
    "pilots",
    "trajectories",
    "payments",
    "questions",
    "notifications",
)


def speaks_for_itself(constraint) -> bool:
    """A UniqueConstraint on plain fields says "… with this … already exists" by itself; any
    other constraint (a check, a conditional or expression unique, an exclusion) without a
    message of its own names only itself."""
    if isinstance(constraint, UniqueConstraint) and not (
        constraint.condition or constraint.expressions
    ):
        return True
    return constraint.violation_error_message != BaseConstraint.default_violation_error_message


def test_every_constraint_of_the_project_says_what_is_wrong_in_words():
    silent = [
        f"{model._meta.label}: {constraint.name}"
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
        if not speaks_for_itself(constraint)
    ]
    assert silent == [], "give these a violation_error_message (gettext_lazy)"


def test_the_guard_sees_the_constraints_it_walks():
    """The walk itself: the checks of the issue are among what it reads."""
    names = {
        constraint.name
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    assert {"trajectory_end_date_iff_ended", "question_deadline_after_date"} <= names
    assert not speaks_for_itself(CheckConstraint(condition=Q(pk__gt=0), name="named_only"))


def refused_in_the_admin(client, url: str, typed: dict, *, message: str, name: str) -> None:
    """The change page posted with `typed` comes back as the form (no save's redirect), with
    the message in Dutch and not the constraint's name, and nothing written."""
    shown = page_data(client.get(url))
    tables = admin_tables()
    before = fingerprint(tables)
    response = client.post(url, {**shown, **typed})
    assert response.status_code == 200  # the form again, not a save's redirect
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Beperking" not in page and name not in page
    assert "is violated" not in page
    assert fingerprint(tables) == before


def test_an_end_date_for_a_running_trajectory_is_refused_in_words(admin_client_, seed):
    trajectory = trajectory_start(
        worker=worker_create(first_name="Sofie", last_name="Verbeke"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(name="Maatwerkbedrijf"),
        start_date=dt.date(2024, 1, 8),
    )
    refused_in_the_admin(
        admin_client_,
        reverse("admin:trajectories_trajectory_change", args=[trajectory.pk]),
        {"end_date": f"{timezone.localdate():%d/%m/%Y}"},
        message=(
            "Een lopend traject heeft geen einddatum; een stopgezet of afgerond traject heeft "
            "er wel een. Wijzig de status en de einddatum samen."
        ),
        name="trajectory_end_date_iff_ended",
    )
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING and trajectory.end_date is None
    assert Trajectory.objects.filter(end_date__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("field", "message", "name"),
    [
        (
            "deadline",
            "De uiterste datum kan niet voor de datum van de vraag liggen.",
            "question_deadline_after_date",
        ),
        (
            "answered_on",
            "Een vraag kan niet beantwoord zijn voor de datum waarop ze gesteld werd.",
            "question_answered_after_date",
        ),
    ],
)
def test_a_question_answered_or_due_before_it_was_asked_is_refused_in_words(
    admin_client_, seed, field, message, name
):
    question = ParliamentaryQuestion.objects.get(number=35)  # asked on 09/11/2018
    refused_in_the_admin(
        admin_client_,
        reverse("admin:questions_parliamentaryquestion_change", args=[question.pk]),
        {field: "01/11/2018"},
        message=message,
        name=name,
    )
    question.refresh_from_db()
    assert getattr(question, field) != dt.date(2018, 11, 1)
