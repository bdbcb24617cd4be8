"""Recording a trajectory's progress through the web forms (start, complete, stop, outcome)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from doorstroom.roles import Role
from mandates.models import Mandate
from tests.factories.mandates import OrganisationFactory
from trajectories.models import JobOutcome, Phase, PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.services import phase_complete, trajectory_start, worker_create


def start(*, mandate_number=7887, start_date=dt.date(2024, 1, 8)) -> Trajectory:
    worker = worker_create(first_name="Sofie", last_name="Verbeke")
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=mandate_number),
        origin_employer=OrganisationFactory(name=f"Maatwerkbedrijf {worker.reference}"),
        start_date=start_date,
    )


@pytest.fixture
def trajectory(seed):
    return start()


def phases(trajectory) -> list[tuple]:
    return list(
        PhaseRecord.objects.filter(trajectory=trajectory)
        .order_by("phase")
        .values_list("phase", "start_date", "end_date", "hours", "fee_amount")
    )


def post(client, name, trajectory, data):
    return client.post(reverse(f"trajectories:{name}", args=[trajectory.pk]), data, follow=False)


def test_detail_page_offers_the_forms_an_editor_may_use(logged_in_client, trajectory):
    body = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    assert "Lopende fase afronden: Voortraject" in body
    assert 'for="id_complete-end_date"' in body and 'for="id_complete-hours"' in body
    assert "Traject stopzetten" in body
    assert "Volgende fase starten" not in body  # the Voortraject still runs


def test_analyst_sees_no_forms(client, make_user, trajectory):
    client.force_login(make_user("analist", Role.ANALYST))
    response = client.get(trajectory.get_absolute_url())
    assert response.status_code == 403  # a trajectory page is about a person
    body = response.content.decode()
    assert "Voortgang registreren" not in body and "complete-end_date" not in body


def test_complete_the_running_phase_with_belgian_date_and_decimal_comma(
    logged_in_client, trajectory
):
    response = post(
        logged_in_client,
        "phase-complete",
        trajectory,
        {"complete-end_date": "05/02/2024", "complete-hours": "14,5"},
    )
    assert response.status_code == 302 and response.url == trajectory.get_absolute_url()
    [(phase, _, end, hours, fee)] = phases(trajectory)
    assert (phase, end, hours) == (Phase.VOORTRAJECT, dt.date(2024, 2, 5), Decimal("14.5"))
    assert fee is not None
    page = logged_in_client.get(response.url).content.decode()
    assert "Fase Voortraject afgerond op 05/02/2024; vergoeding € " in page
    assert "Volgende fase starten: Job matching" in page


def test_start_the_next_phase(logged_in_client, trajectory):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    response = post(logged_in_client, "phase-start", trajectory, {"start-start_date": "06/02/2024"})
    assert response.status_code == 302
    assert phases(trajectory)[-1][:3] == (Phase.JOB_MATCHING, dt.date(2024, 2, 6), None)
    page = logged_in_client.get(response.url).content.decode()
    assert "Fase Job matching gestart op 06/02/2024." in page


def test_a_phase_too_long_is_refused_with_a_clear_message_and_nothing_changes(
    logged_in_client, trajectory
):
    response = post(
        logged_in_client,
        "phase-complete",
        trajectory,
        {"complete-end_date": "01/04/2024", "complete-hours": "14"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "De fase Voortraject duurt maximaal 1 maand(en), tot 08/02/2024." in body
    assert 'value="01/04/2024"' in body  # what was typed is kept
    assert phases(trajectory)[0][2] is None


def test_a_longer_phase_with_a_reason_is_approved_by_the_user_recording_it(
    logged_in_client, trajectory
):
    response = post(
        logged_in_client,
        "phase-complete",
        trajectory,
        {
            "complete-end_date": "01/03/2024",
            "complete-hours": "14",
            "complete-exception_reason": "Ziekte van de werknemer",
        },
    )
    assert response.status_code == 302
    record = PhaseRecord.objects.get(trajectory=trajectory)
    assert record.over_maximum and record.over_maximum_approved_by.username == "redacteur"


def test_starting_out_of_order_is_refused(logged_in_client, trajectory):
    response = post(logged_in_client, "phase-start", trajectory, {"start-start_date": "06/02/2024"})
    assert response.status_code == 400
    assert "De fase Voortraject loopt nog: rond ze eerst af." in response.content.decode()
    assert len(phases(trajectory)) == 1


def test_a_date_not_in_belgian_format_gets_a_clear_error(logged_in_client, trajectory):
    response = post(
        logged_in_client,
        "phase-complete",
        trajectory,
        {"complete-end_date": "2024/02/05", "complete-hours": "abc"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Geef een datum als dag/maand/jaar, bv. 31/12/2018." in body
    assert phases(trajectory)[0][2] is None


def test_stop_the_trajectory(logged_in_client, trajectory):
    response = post(
        logged_in_client,
        "stop",
        trajectory,
        {"stop-end_date": "01/02/2024", "stop-reason": "Verhuisd", "stop-outcome": "nee"},
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.STOPPED
    assert (trajectory.end_date, trajectory.outcome) == (dt.date(2024, 2, 1), JobOutcome.NO_JOB)
    assert phases(trajectory)[0][2] == dt.date(2024, 2, 1)
    body = logged_in_client.get(response.url).content.decode()
    assert "Traject stopgezet op 01/02/2024." in body
    assert "Traject stopzetten" not in body  # a stopped trajectory cannot stop again


def test_stop_without_reason_is_refused(logged_in_client, trajectory):
    response = post(logged_in_client, "stop", trajectory, {"stop-end_date": "01/02/2024"})
    assert response.status_code == 400
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING


def test_record_the_outcome(logged_in_client, trajectory):
    response = post(logged_in_client, "outcome", trajectory, {"outcome-outcome": "ja"})
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.outcome == JobOutcome.REGULAR_JOB
    page = logged_in_client.get(response.url).content.decode()
    assert "Uitkomst geregistreerd: reguliere job." in page


def test_actions_are_post_only(logged_in_client, trajectory):
    response = logged_in_client.get(reverse("trajectories:outcome", args=[trajectory.pk]))
    assert response.status_code == 405


def test_analyst_may_not_record_anything(client, make_user, trajectory):
    client.force_login(make_user("analist", Role.ANALYST))
    response = post(client, "outcome", trajectory, {"outcome-outcome": "ja"})
    assert response.status_code == 403
    response = post(
        client,
        "phase-complete",
        trajectory,
        {"complete-end_date": "05/02/2024", "complete-hours": "14"},
    )
    assert response.status_code == 403
    trajectory.refresh_from_db()
    assert trajectory.outcome == JobOutcome.UNKNOWN and phases(trajectory)[0][2] is None


def test_another_providers_trajectory_is_not_found_and_nothing_changes(
    client, make_user, trajectory
):
    own = Mandate.objects.exclude(promoter=trajectory.mandate.promoter).first()
    client.force_login(make_user("dienstverlener", Role.PROVIDER, organisation=own.promoter))
    for name, data in [
        ("outcome", {"outcome-outcome": "ja"}),
        ("phase-complete", {"complete-end_date": "05/02/2024", "complete-hours": "14"}),
        ("stop", {"stop-end_date": "01/02/2024", "stop-reason": "x", "stop-outcome": "nee"}),
    ]:
        assert post(client, name, trajectory, data).status_code == 404
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING
    assert trajectory.outcome == JobOutcome.UNKNOWN and phases(trajectory)[0][2] is None


def test_a_provider_records_progress_on_its_own_trajectory(client, make_user, trajectory):
    client.force_login(
        make_user("dienstverlener", Role.PROVIDER, organisation=trajectory.mandate.promoter)
    )
    response = post(client, "outcome", trajectory, {"outcome-outcome": "nee"})
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.outcome == JobOutcome.NO_JOB
