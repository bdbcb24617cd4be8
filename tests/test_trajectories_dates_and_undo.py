"""Dates that cannot be true are refused the same way everywhere (the trajectory page, the
services, the admin, the import), and a wrongly recorded last step is undone from the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from doorstroom.roles import Role
from mandates.models import Mandate
from tests.admin_posts import page_data
from tests.factories.mandates import OrganisationFactory
from tests.html_forms import forms
from trajectories.models import JobOutcome, Phase, PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_start,
    trajectory_stop,
    worker_create,
)


def tomorrow() -> dt.date:
    """Tomorrow in Brussels, when the test runs (not when the module was read: a run that
    crosses midnight would otherwise type today)."""
    return timezone.localdate() + dt.timedelta(days=1)


def refusal(day: dt.date) -> str:
    return f"{day:%d/%m/%Y} ligt in de toekomst; alleen voorbije data kunnen."


@pytest.fixture
def trajectory(seed):
    worker = worker_create(first_name="Sofie", last_name="Verbeke")
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(name="Maatwerkbedrijf"),
        start_date=dt.date(2024, 1, 8),
    )


def page_form(client, trajectory, action: str):
    """The form of the trajectory page that posts to `action`, and what it holds."""
    url = reverse(f"trajectories:{action}", args=[trajectory.pk])
    page = client.get(trajectory.get_absolute_url())
    [form] = [f for f in forms(page) if f.attrs.get("action") == url]
    return url, form.data()


def submit(client, trajectory, action: str, **typed):
    url, data = page_form(client, trajectory, action)
    prefix = {"phase-start": "start", "phase-complete": "complete", "stop": "stop"}.get(
        action, action
    )
    return client.post(url, {**data, **{f"{prefix}-{k}": v for k, v in typed.items()}})


def phases(trajectory) -> list[tuple]:
    return list(
        PhaseRecord.objects.filter(trajectory=trajectory)
        .order_by("phase")
        .values_list("phase", "end_date", "fee_amount")
    )


def test_a_phase_cannot_be_started_in_2030_from_the_trajectory_page(logged_in_client, trajectory):
    """The example of the issue: started in 2030, it could not be completed nor undone."""
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    response = submit(logged_in_client, trajectory, "phase-start", start_date="01/01/2030")
    assert response.status_code == 400
    assert (
        "01/01/2030 ligt in de toekomst; alleen voorbije data kunnen." in response.content.decode()
    )
    assert len(phases(trajectory)) == 1


@pytest.mark.parametrize(
    ("action", "typed"), [("phase-complete", {"hours": "14"}), ("stop", {"reason": "Verhuisd"})]
)
def test_completing_or_stopping_tomorrow_is_refused_and_nothing_changes(
    logged_in_client, trajectory, action, typed
):
    day = tomorrow()
    response = submit(logged_in_client, trajectory, action, end_date=f"{day:%d/%m/%Y}", **typed)
    assert response.status_code == 400
    assert refusal(day) in response.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING
    assert phases(trajectory) == [(Phase.VOORTRAJECT, None, None)]


def test_today_is_not_the_future(logged_in_client, seed):
    worker = worker_create(first_name="An", last_name="Peeters")
    today = timezone.localdate()
    trajectory = trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=today,
    )
    response = submit(
        logged_in_client, trajectory, "stop", end_date=f"{today:%d/%m/%Y}", reason="x"
    )
    assert response.status_code == 302


def test_the_services_refuse_the_future_on_the_field_that_holds_it(trajectory):
    day = tomorrow()
    with pytest.raises(ValidationError) as error:
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("1"))
    assert error.value.message_dict == {"end_date": [refusal(day)]}
    with pytest.raises(ValidationError) as error:
        trajectory_stop(trajectory=trajectory, end_date=day, reason="x")
    assert error.value.message_dict == {"end_date": [refusal(day)]}
    with pytest.raises(ValidationError) as error:
        trajectory_start(
            worker=worker_create(first_name="B", last_name="C"),
            mandate=trajectory.mandate,
            origin_employer=trajectory.origin_employer,
            start_date=day,
        )
    assert error.value.message_dict == {"start_date": [refusal(day)]}
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    with pytest.raises(ValidationError) as error:
        phase_start(trajectory=trajectory, start_date=day)
    assert error.value.message_dict == {"start_date": [refusal(day)]}


def test_the_admin_refuses_the_future_with_the_same_message(admin_client_, trajectory):
    """Tomorrow typed in the admin's trajectory form: as its end, and as its phase's start."""
    url = reverse("admin:trajectories_trajectory_change", args=[trajectory.pk])
    shown = page_data(admin_client_.get(url))
    [phase_start_field] = [k for k in shown if k.startswith("phases-") and k.endswith("start_date")]
    before = phases(trajectory)
    day = tomorrow()
    for field in ("end_date", phase_start_field):
        response = admin_client_.post(url, {**shown, field: f"{day:%d/%m/%Y}"})
        assert response.status_code == 200, field  # the form again, not a save's redirect
        if field == "end_date":
            errors = response.context["adminform"].form.errors
        else:
            [formset] = [inline.formset for inline in response.context["inline_admin_formsets"]]
            [errors] = [form.errors for form in formset.forms]
        assert errors == {field.rsplit("-", 1)[-1]: [refusal(day)]}, field
        assert refusal(day) in response.content.decode()
        trajectory.refresh_from_db()
        assert trajectory.end_date is None and phases(trajectory) == before


# --- undoing the last step ----------------------------------------------------------------------


def undo(client, trajectory, reason="Per vergissing geregistreerd"):
    return submit(client, trajectory, "undo", reason=reason)


def test_a_wrongly_completed_phase_is_undone_from_the_page_with_a_reason(
    logged_in_client, trajectory, user
):
    response = submit(
        logged_in_client, trajectory, "phase-complete", end_date="05/02/2024", hours="14"
    )
    assert response.status_code == 302
    assert phases(trajectory)[0][2] is not None
    page = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    assert "Laatste stap ongedaan maken: de afronding van Voortraject" in page

    response = undo(logged_in_client, trajectory, reason="Verkeerde werknemer")
    assert response.status_code == 302
    assert phases(trajectory) == [(Phase.VOORTRAJECT, None, None)]
    page = logged_in_client.get(response.url).content.decode()
    assert "De afronding van de fase Voortraject is ongedaan gemaakt; ze loopt weer." in page
    # Audited: the change carries the reason and the user in its context.
    events = Events.objects.tracks(PhaseRecord.objects.get(trajectory=trajectory))
    [event] = events.filter(pgh_context__undo="complete")
    assert event.pgh_diff["end_date"] == ["2024-02-05", None]
    assert event.pgh_context["undo_reason"] == "Verkeerde werknemer"
    assert event.pgh_context["user"] == user.pk
    # Nothing left to undo: the first phase starts with the trajectory.
    page = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    assert "Laatste stap ongedaan maken" not in page


def test_a_wrongly_started_phase_is_removed(logged_in_client, trajectory):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    phase_start(trajectory=trajectory, start_date=dt.date(2024, 2, 6))
    response = undo(logged_in_client, trajectory)
    assert response.status_code == 302
    assert [p for p, _, _ in phases(trajectory)] == [Phase.VOORTRAJECT]


def test_a_wrong_stop_is_undone_and_its_phase_runs_again(logged_in_client, trajectory):
    trajectory_stop(trajectory=trajectory, end_date=dt.date(2024, 1, 20), reason="Verhuisd")
    response = undo(logged_in_client, trajectory)
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert (trajectory.status, trajectory.end_date, trajectory.stop_reason) == (
        TrajectoryStatus.RUNNING,
        None,
        "",
    )
    assert phases(trajectory) == [(Phase.VOORTRAJECT, None, None)]


def test_a_wrong_completion_of_the_nazorg_reopens_the_trajectory(logged_in_client, trajectory):
    day = dt.date(2024, 2, 1)
    phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("14"))
    for _phase in (Phase.JOB_MATCHING, Phase.STAGE, Phase.NAZORG):
        phase_start(trajectory=trajectory, start_date=day)
        day += dt.timedelta(days=30)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("42"), outcome="ja")
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.COMPLETED
    assert undo(logged_in_client, trajectory).status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING and trajectory.end_date is None
    assert trajectory.outcome == JobOutcome.UNKNOWN
    assert phases(trajectory)[-1] == (Phase.NAZORG, None, None)


def test_undoing_needs_a_reason_and_changes_nothing_without_one(logged_in_client, trajectory):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    response = undo(logged_in_client, trajectory, reason="  ")
    assert response.status_code == 400
    assert phases(trajectory)[0][2] is not None


def test_undo_is_scoped_like_the_other_writes(client, make_user, trajectory):
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    url = reverse("trajectories:undo", args=[trajectory.pk])
    other = Mandate.objects.exclude(promoter=trajectory.mandate.promoter).first()
    client.force_login(make_user("ander", Role.PROVIDER, organisation=other.promoter))
    assert client.post(url, {"undo-reason": "x"}).status_code == 404
    client.force_login(make_user("analist", Role.ANALYST))
    assert client.post(url, {"undo-reason": "x"}).status_code == 403
    assert phases(trajectory)[0][2] is not None
    client.force_login(make_user("eigen", Role.PROVIDER, organisation=trajectory.mandate.promoter))
    assert client.post(url, {"undo-reason": "x"}).status_code == 302
    assert phases(trajectory)[0][2] is None
    assert Trajectory.objects.get(pk=trajectory.pk).status == TrajectoryStatus.RUNNING
