"""A phase changed in the administration goes through the services, as on the trajectory page:
an end date completes the phase with its fee, a new phase is the next one with the maximum
duration of the schedule in force, the dates of a recorded phase are not edited there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from doorstroom.roles import Role
from mandates.models import Mandate
from tests.admin_forms import change_form_data
from tests.factories.mandates import OrganisationFactory
from trajectories.models import PhaseRecord, TrajectoryStatus
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create

START = dt.date(2024, 1, 8)


@pytest.fixture
def trajectory(seed):
    return trajectory_start(
        worker=worker_create(first_name="Lotte", last_name="Maes"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=START,
    )


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user("vdab-redacteur", Role.EDITOR, is_staff=True))
    return client


def phase_form(client, phase: PhaseRecord) -> tuple[str, dict]:
    url = reverse("admin:trajectories_phaserecord_change", args=[phase.pk])
    return url, change_form_data(client.get(url))


def test_an_end_date_given_in_the_admin_completes_the_phase_with_its_fee(editor_client, trajectory):
    voortraject = trajectory.phases.get()
    url, data = phase_form(editor_client, voortraject)
    data.update(end_date="2024-01-31", hours="14")
    assert editor_client.post(url, data).status_code == 302
    voortraject.refresh_from_db()
    # The fee the services give a Voortraject completed that day: EUR 420 indexed.
    assert voortraject.fee_amount is not None and voortraject.fee_amount > Decimal("420")
    assert voortraject.index_reference_month == dt.date(2024, 1, 1)
    assert voortraject.fee_schedule is not None


def test_completing_the_nazorg_in_the_admin_completes_the_trajectory(editor_client, trajectory):
    day = START
    for _phase in range(3):
        day += dt.timedelta(days=20)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("10"))
        phase_start(trajectory=trajectory, start_date=day)
    nazorg = trajectory.phases.get(phase=4)
    url, data = phase_form(editor_client, nazorg)
    data.update(end_date=str(day + dt.timedelta(days=30)), hours="20")
    assert editor_client.post(url, data).status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.COMPLETED
    assert trajectory.end_date == day + dt.timedelta(days=30)
    assert trajectory.phases.get(phase=4).fee_amount is not None


def test_the_dates_of_a_recorded_phase_are_not_changed_in_the_admin(editor_client, trajectory):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 1, 31), hours=Decimal("14"))
    voortraject = trajectory.phases.get()
    url, data = phase_form(editor_client, voortraject)
    data.update(end_date="2024-01-25")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "maak de laatste stap ongedaan" in str(
        response.context["adminform"].form.non_field_errors()
    )
    voortraject.refresh_from_db()
    assert voortraject.end_date == dt.date(2024, 1, 31)


def test_a_phase_added_in_the_admin_is_the_next_one_with_the_schedules_duration(
    editor_client, trajectory
):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 1, 31), hours=Decimal("14"))
    url = reverse("admin:trajectories_phaserecord_add")
    data = {
        "trajectory": trajectory.pk,
        "start_date": "2024-02-05",
        "hours": "0",
        "max_months": "12",  # typed, ignored: the schedule says 3
    }
    response = editor_client.post(url, {**data, "phase": "3"})
    assert response.status_code == 200
    assert "phase" in response.context["adminform"].form.errors
    assert not trajectory.phases.filter(phase=3).exists()

    assert editor_client.post(url, {**data, "phase": "2"}).status_code == 302
    assert trajectory.phases.get(phase=2).max_months == 3
