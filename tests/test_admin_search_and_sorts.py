"""The admin's lists of big tables at a million rows (issue 21): a search on related records
looks in their own tables first and takes the rows by key (doorstroom.admin.SearchByKeysMixin),
and a sort breaks ties by the key in its own direction, so that `(column, id)` indexes serve it."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.mandates import MandateFactory
from tests.factories.trajectories import PhaseRecordFactory, TrajectoryFactory

TRAJECTORIES = "/beheer/trajectories/trajectory/"
PHASES = "/beheer/trajectories/phaserecord/"


def shown(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_the_trajectory_search_finds_by_reference_number_and_name(admin_client_):
    gent = MandateFactory(name="Werkplaats Gent")
    a, b = TrajectoryFactory(mandate=gent), TrajectoryFactory(mandate=gent)
    other = TrajectoryFactory()
    assert shown(admin_client_.get(TRAJECTORIES, {"q": a.worker.reference.lower()})) == {a.pk}
    assert shown(admin_client_.get(TRAJECTORIES, {"q": str(gent.project_number)})) == {a.pk, b.pk}
    assert shown(admin_client_.get(TRAJECTORIES, {"q": "plaats gent"})) == {a.pk, b.pk}
    # Every word must match (Django's rule): the reference of one and the mandate of both.
    assert shown(admin_client_.get(TRAJECTORIES, {"q": f"gent {b.worker.reference}"})) == {b.pk}
    assert shown(admin_client_.get(TRAJECTORIES, {"q": other.worker.reference})) == {other.pk}
    assert shown(admin_client_.get(TRAJECTORIES, {"q": "DW-999999"})) == set()


def test_the_search_takes_the_rows_by_key_not_by_a_join_tested_row_by_row(admin_client_):
    trajectory = TrajectoryFactory()
    with CaptureQueriesContext(connection) as captured:
        response = admin_client_.get(TRAJECTORIES, {"q": trajectory.worker.reference})
    assert shown(response) == {trajectory.pk}
    listing = [q["sql"] for q in captured if 'FROM "trajectories_trajectory"' in q["sql"]]
    assert listing
    for statement in listing:
        # No test of a related row's text in the trajectories' query: keys only.
        assert "UPPER(" not in statement and " LIKE " not in statement, statement
        assert re.search(r'"worker_id" IN \(\d+\)', statement), statement
    searched = [q["sql"] for q in captured if 'FROM "trajectories_worker"' in q["sql"]]
    assert any("UPPER(" in statement for statement in searched)


def test_the_phase_search_goes_through_the_trajectory_to_the_worker(admin_client_):
    phase = PhaseRecordFactory()
    PhaseRecordFactory()
    response = admin_client_.get(PHASES, {"q": phase.trajectory.worker.reference})
    assert shown(response) == {phase.pk}


def test_a_sort_breaks_ties_by_the_key_in_its_own_direction(admin_client_):
    TrajectoryFactory.create_batch(3)
    for order, tie in (("6", "ASC"), ("-6", "DESC")):  # column 6: status
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(TRAJECTORIES, {"o": order})
        assert response.status_code == 200
        ordered = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and '"status"' in q["sql"]]
        assert ordered
        direction = "ASC" if tie == "ASC" else "DESC"
        assert any(
            re.search(rf'ORDER BY "trajectories_trajectory"\."status" {direction}, '
                      rf'"trajectories_trajectory"\."id" {tie}', statement)
            for statement in ordered
        ), ordered  # fmt: skip
