"""Across every registered export: no personal data where it does not belong, and counts of
worker records always through disclosure control."""

import datetime as dt
from decimal import Decimal

import pytest

from doorstroom.exports import all_exports
from mandates.models import Mandate
from tests.factories.mandates import OrganisationFactory
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_start,
    trajectory_stop,
    worker_create,
)

INSZ = "85073003328"


@pytest.fixture
def one_trajectory(seed):
    """A worker with a name and INSZ, one completed phase and the next long past its maximum
    duration, and a second worker whose trajectory stopped: every count of workers is 1 or 2,
    in every export that counts them (started, ended, completed phases, overdue phases)."""
    worker = worker_create(first_name="Griet", last_name="Vandermeulen", insz=INSZ)
    trajectory = trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 3, 4),
    )
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 3, 29), hours=Decimal("14"))
    phase_start(trajectory=trajectory, start_date=dt.date(2024, 4, 2))  # 3 months at most
    stopped = trajectory_start(
        worker=worker_create(first_name="Jan", last_name="Peeters"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 5, 6),
    )
    trajectory_stop(trajectory=stopped, end_date=dt.date(2024, 5, 20), reason="verhuisd")
    return worker


def all_rows(export_class) -> list:
    export = export_class({})
    return [list(export.header()), *[list(row) for row in export.rows()]]


def test_only_exports_that_say_so_carry_personal_data(one_trajectory):
    checked = 0
    for export_class in all_exports():
        text = repr(all_rows(export_class))
        assert INSZ not in text, export_class.name
        assert "Griet" not in text and "Vandermeulen" not in text, export_class.name
        if not export_class.contains_personal_data:
            assert one_trajectory.reference not in text, export_class.name
            checked += 1
    assert checked >= 5


def test_every_export_counting_workers_suppresses_small_counts(one_trajectory):
    counting = [e for e in all_exports() if e.counts_workers]
    # trajectory-stats and every dashboard figure of trajectories, at least
    assert {"trajectory-stats", "dashboard-outcomes", "dashboard-overdue"} <= {
        e.name for e in counting
    }
    for export_class in counting:
        rows = all_rows(export_class)[1:]
        cells = [cell for row in rows for cell in row]
        assert "<5" in cells, export_class.name
        small = [c for c in cells if isinstance(c, int) and not isinstance(c, bool) and 0 < c < 5]
        assert small == [], f"{export_class.name} publishes small counts {small}"


def test_answer_packs_take_only_publishable_exports():
    from questions.models import validate_export_name

    for export_class in all_exports():
        if export_class.may_be_published():
            validate_export_name(export_class.name)
        else:
            refused = r"personal data|internal document|persoonsgegevens|intern document"
            with pytest.raises(Exception, match=refused):
                validate_export_name(export_class.name)


def test_an_analyst_is_offered_and_given_only_exports_that_may_be_published(client, make_user, db):
    """The provider statement's exact counts per mandate and day, and today's overdue phases,
    are internal: the analyst sees only what may be published, on the exports page too."""
    from django.urls import reverse

    from doorstroom.roles import Role

    client.force_login(make_user("analist", Role.ANALYST))
    listed = {e.name for e, _form in client.get(reverse("exports")).context["exports"]}
    assert {"trajectory-stats", "dashboard-phases"} <= listed
    assert not listed & {"provider-statement", "dashboard-overdue", "trajectories"}
    for name in ("provider-statement", "dashboard-overdue"):
        response = client.get(reverse("export-download", args=[name]))
        assert response.status_code == 403, name
        assert "intern document" in response.content.decode()
    dashboard = {s.name for s in client.get(reverse("home")).context["sections"]}
    assert "dashboard-phases" in dashboard and "dashboard-overdue" not in dashboard


def test_the_exports_page_lists_exports_without_running_them(client, make_user, db):
    """Without a fee schedule in force the fees export cannot run, but the page that lists it
    does not run it (a template calls what it is given, a class too, unless told not to)."""
    from django.urls import reverse

    from doorstroom.roles import Role

    client.force_login(make_user("redacteur", Role.EDITOR))
    response = client.get(reverse("exports"))
    assert response.status_code == 200
    assert "fees" in {e.name for e, _form in response.context["exports"]}
