"""Statistics after bulk loads (issue 21): the demo generator and a large import ANALYZE the
tables they filled, as the application (which owns no table: through the owner's function of
migration trajectories/0011), so the planner knows their size before the first page."""

import datetime as dt

import pytest
from django.db import connection

from tests.factories.import_files import START, csv_file, started
from trajectories.demo import demo_generate
from trajectories.imports import applying, import_run
from trajectories.models import PhaseRecord, Trajectory

FILLED = (
    *("trajectories_trajectory", "trajectories_phaserecord", "trajectories_worker"),
    # the summaries per month, filled by their triggers (migration 0015)
    *("trajectories_startedsummary", "trajectories_startedmonthsummary"),
    "trajectories_endedsummary",
    *("trajectories_completedphasesummary", "trajectories_runningphasesummary"),
)


def statistics() -> dict[str, tuple[float, object]]:
    """Table -> (rows the planner believes it has, when ANALYZE last ran on it by hand). Neither
    is undone by a rollback (ANALYZE writes pg_class in place), so a test compares them with
    what they were before."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT c.relname, c.reltuples, s.last_analyze FROM pg_class c "
            "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = ANY(%s)",
            [list(FILLED)],
        )
        return {name: (rows, analyzed) for name, rows, analyzed in cursor.fetchall()}


def test_the_application_may_not_analyze_a_table_itself(seed):
    """Why the function exists: the tests run as the application role, as production does."""
    from django.db import DatabaseError, transaction

    notices = []

    def heard(notice):  # a notice is readable only while it is handled
        notices.append(notice.message_primary or "")

    connection.ensure_connection()
    connection.connection.add_notice_handler(heard)
    try:
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute("SET LOCAL client_min_messages = WARNING")
            try:
                cursor.execute("ANALYZE trajectories_trajectory")
            except DatabaseError:
                return
    finally:
        connection.connection.remove_notice_handler(heard)
    # ANALYZE of a table one does not own only warns and skips it ("skipping ... only table or
    # database owner can analyze it" up to PostgreSQL 16, "permission denied ..., skipping it"
    # from 17).
    assert any("skipping" in notice for notice in notices), notices


def analyzed_since(before, after) -> set[str]:
    return {
        name
        for name, (_, at) in after.items()
        if at is not None and (before[name][1] is None or at > before[name][1])
    }


def test_the_demo_generator_analyzes_what_it_wrote(seed):
    before = statistics()
    demo_generate(count=120, seed=3)
    after = statistics()
    assert analyzed_since(before, after) == set(FILLED)
    assert after["trajectories_trajectory"][0] == Trajectory.objects.count()
    assert after["trajectories_phaserecord"][0] == PhaseRecord.objects.count()


def test_a_large_import_analyzes_what_it_wrote(seed, editor, monkeypatch):
    trajectories = [started() for _ in range(3)]
    rows = [
        [t.worker.reference, t.mandate.project_number, "Voortraject", START,
         dt.date(2019, 3, 29), 10]
        for t in trajectories
    ]  # fmt: skip
    monkeypatch.setattr(applying, "ANALYZE_FROM_ROWS", 3)
    before = statistics()
    report = import_run(data=csv_file(rows), file_name="f.csv", user=editor, apply=True)
    assert report.applied, report.as_json()
    after = statistics()
    assert analyzed_since(before, after) == set(FILLED)
    assert after["trajectories_phaserecord"][0] == PhaseRecord.objects.count()


def test_a_small_import_leaves_it_to_autovacuum(seed, editor):
    trajectory = started()
    row = [trajectory.worker.reference, trajectory.mandate.project_number, "Voortraject",
           START, dt.date(2019, 3, 29), 10]  # fmt: skip
    before = statistics()
    report = import_run(data=csv_file([row]), file_name="f.csv", user=editor, apply=True)
    assert report.applied, report.as_json()
    assert not analyzed_since(before, statistics())


@pytest.mark.parametrize("name", ["trajectories_analyze_filled"])
def test_the_function_runs_as_its_owner_on_a_fixed_list(seed, name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosecdef, p.pronargs, r.rolname <> current_user FROM pg_proc p "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = %s",
            [name],
        )
        assert cursor.fetchone() == (True, 0, True)
