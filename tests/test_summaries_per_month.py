"""The counts and sums per month and mandate that the database keeps
(`trajectories.models.summaries`) stay equal to counting from scratch, whatever writes the data:
services, the import, bulk updates, raw SQL (a mandate changed, rows deleted in either order),
erasure, deletes and TRUNCATE; and the function that counts them from scratch is the one the
code defines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from mandates.models import Mandate
from tests.factories.import_files import csv_file
from tests.test_summaries_kept_by_the_database import Writer, body
from trajectories import aggregates
from trajectories.imports import import_run
from trajectories.imports.parsing import phase_label
from trajectories.models import JobOutcome, PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.models.summaries import REBUILD_FUNCTION
from trajectories.services import trajectory_outcome_record, worker_erase

# What each summary holds, counted from the rows, and the summary's own rows (those at zero
# are kept by the triggers and left out here).
FROM_SCRATCH = {
    "started": """
        SELECT date_trunc('month', t.start_date)::date, t.mandate_id, t.current_phase, t.status,
               count(*), coalesce(sum(f.hours_total), 0), count(f.trajectory_id)
          FROM trajectories_trajectory t
          LEFT JOIN trajectories_trajectoryfigures f ON f.trajectory_id = t.id
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""",
    "started per month": """
        SELECT date_trunc('month', t.start_date)::date, t.mandate_id,
               count(*), coalesce(sum(f.hours_total), 0), count(f.trajectory_id),
               count(*) FILTER (WHERE t.status = 'afgerond'),
               coalesce(sum(f.hours_total) FILTER (WHERE t.status = 'afgerond'), 0),
               count(f.trajectory_id) FILTER (WHERE t.status = 'afgerond')
          FROM trajectories_trajectory t
          LEFT JOIN trajectories_trajectoryfigures f ON f.trajectory_id = t.id
         GROUP BY 1, 2 ORDER BY 1, 2""",
    "ended": """
        SELECT date_trunc('month', end_date)::date, mandate_id, status, outcome, count(*)
          FROM trajectories_trajectory WHERE status <> 'lopend'
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""",
    "completed": """
        SELECT date_trunc('month', p.end_date)::date, t.mandate_id, p.phase, count(*),
               sum(p.fee_amount)
          FROM trajectories_phaserecord p JOIN trajectories_trajectory t ON t.id = p.trajectory_id
         WHERE p.fee_amount IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    "running": """
        SELECT date_trunc('month', p.deadline)::date, t.mandate_id, p.phase, count(*)
          FROM trajectories_phaserecord p JOIN trajectories_trajectory t ON t.id = p.trajectory_id
         WHERE p.end_date IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    "running per day": """
        SELECT p.deadline, t.mandate_id, p.phase, count(*)
          FROM trajectories_phaserecord p JOIN trajectories_trajectory t ON t.id = p.trajectory_id
         WHERE p.end_date IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
}
KEPT = {
    "started": """
        SELECT month, mandate_id, current_phase, status, trajectories, hours, with_figures
          FROM trajectories_startedsummary
         WHERE (trajectories, hours, with_figures) <> (0, 0, 0) ORDER BY 1, 2, 3, 4""",
    "started per month": """
        SELECT month, mandate_id, trajectories, hours, with_figures,
               completed, completed_hours, completed_with_figures
          FROM trajectories_startedmonthsummary
         WHERE (trajectories, hours, with_figures, completed, completed_hours,
                completed_with_figures) <> (0, 0, 0, 0, 0, 0) ORDER BY 1, 2""",
    "ended": """
        SELECT month, mandate_id, status, outcome, trajectories FROM trajectories_endedsummary
         WHERE trajectories <> 0 ORDER BY 1, 2, 3, 4""",
    "completed": """
        SELECT month, mandate_id, phase, phases, fees FROM trajectories_completedphasesummary
         WHERE (phases, fees) <> (0, 0) ORDER BY 1, 2, 3""",
    "running": """
        SELECT month, mandate_id, phase, phases FROM trajectories_runningphasesummary
         WHERE phases <> 0 ORDER BY 1, 2, 3""",
    "running per day": """
        SELECT deadline, mandate_id, phase, phases FROM trajectories_runningphasedaysummary
         WHERE phases <> 0 ORDER BY 1, 2, 3""",
}


def rows(statement: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return [tuple(row) for row in cursor.fetchall()]


def assert_summaries_equal_counting_from_scratch(context: str) -> set[str]:
    """Compares every summary; returns the names of those that hold rows."""
    holding = set()
    for name, statement in FROM_SCRATCH.items():
        kept = rows(KEPT[name])
        assert kept == rows(statement), f"{name} {context}"
        if kept:
            holding.add(name)
    return holding


class EveryWriter(Writer):
    """The figures' random writes, and the others that move trajectories between the rows of the
    summaries."""

    def outcome(self) -> None:
        ended = list(Trajectory.objects.exclude(status=TrajectoryStatus.RUNNING))
        if ended:
            trajectory = self.random.choice(ended)
            outcome = self.random.choice([JobOutcome.REGULAR_JOB, JobOutcome.NO_JOB])
            trajectory_outcome_record(trajectory=trajectory, outcome=outcome)

    def __init__(self, seed: int, user=None) -> None:
        super().__init__(seed)
        self.user = user

    def imported(self) -> None:
        """Hours of a running phase written by the import of a progress file."""
        phase = PhaseRecord.objects.filter(end_date__isnull=True).select_related(
            "trajectory__worker", "trajectory__mandate"
        )
        phase = phase.order_by("?").first()
        if phase is None:
            return
        trajectory = phase.trajectory
        row = [
            trajectory.worker.reference,
            trajectory.mandate.project_number,
            str(phase_label(phase.phase)),
            phase.start_date,
            None,
            self.random.randrange(1, 30),
        ]
        report = import_run(data=csv_file([row]), file_name="f.csv", user=self.user, apply=True)
        assert report.applied, report.as_json()

    def mandate_moved(self) -> None:
        """A trajectory moved to another mandate in raw SQL: its phases move with it."""
        trajectory = Trajectory.objects.order_by("?").first()
        if trajectory is not None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE trajectories_trajectory SET mandate_id = %s WHERE id = %s",
                    [self.random.choice(self.mandates).pk, trajectory.pk],
                )

    def bulk_outcomes(self) -> None:
        Trajectory.objects.exclude(status=TrajectoryStatus.RUNNING).update(
            outcome=self.random.choice(list(JobOutcome))
        )

    def erased(self) -> None:
        trajectory = Trajectory.objects.order_by("?").first()
        if trajectory is not None:
            worker_erase(worker=trajectory.worker)

    def deleted(self) -> None:
        """A trajectory deleted through the ORM: its phases and figures first."""
        trajectory = Trajectory.objects.order_by("?").first()
        if trajectory is not None:
            trajectory.delete()

    def deleted_trajectory_first(self) -> None:
        """In raw SQL the trajectory before its phases (the foreign keys are checked at commit):
        its phases leave the summaries with it, not a second time with them."""
        trajectory = Trajectory.objects.filter(phases__isnull=False).order_by("?").first()
        if trajectory is not None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM trajectories_trajectory WHERE id = %s", [trajectory.pk])
                assert_summaries_equal_counting_from_scratch("between the two deletes")
                cursor.execute(
                    "DELETE FROM trajectories_phaserecord WHERE trajectory_id = %s", [trajectory.pk]
                )

    def rare(self) -> list:
        return [
            self.bulk_hours,
            self.delete_running_phase,
            self.mandate_moved,
            self.bulk_outcomes,
            self.deleted,
            self.deleted_trajectory_first,
        ]

    def operations(self) -> list:
        return [*super().operations(), self.outcome, self.imported, self.erased]


@pytest.mark.parametrize("draw", range(4))
def test_the_summaries_equal_counting_from_scratch_after_random_writes(draw, seed, user):
    writer = EveryWriter(100 + draw, user)
    holding: set[str] = set()
    for number in range(50):
        operation = writer.random.choice(writer.rare() if number % 6 == 5 else writer.operations())
        operation()
        context = f"after write {number}: {operation.__name__}"
        holding |= assert_summaries_equal_counting_from_scratch(context)
    # Every summary had rows to compare.
    assert holding == set(FROM_SCRATCH)
    assert_reads_equal_counting_rows(writer.day)


def assert_reads_equal_counting_rows(today: dt.date) -> None:
    """What the pages read from the summaries (`trajectories.aggregates`) against the same
    figures counted from the rows, for every mandate and for a period of whole months."""
    everything = Mandate.objects.all()
    trajectories = Trajectory.objects.all()
    assert aggregates.hours_per_mandate(everything) == trajectories.hours_per_mandate()
    period = (dt.date(2019, 3, 1), dt.date(2020, 6, 30))
    started = trajectories.filter(start_date__gte=period[0], start_date__lte=period[1])
    assert aggregates.hours_per_mandate(everything, *period) == started.hours_per_mandate()

    ended = trajectories.exclude(status=TrajectoryStatus.RUNNING)
    from_rows = ended.values(
        "outcome", call=F("mandate__call__number"), year=ExtractYear("end_date")
    ).annotate(n=Count("id"))
    assert sorted(aggregates.ended_counts(everything), key=repr) == sorted(from_rows, key=repr)

    completed = PhaseRecord.objects.completed().annotate(month=TruncMonth("end_date"))
    per_month = completed.values_list("month").annotate(n=Count("id"), owed=Sum("fee_amount"))
    assert sorted(aggregates.completed_per_month(everything)) == sorted(per_month.order_by())

    overdue = PhaseRecord.objects.overdue(today).values_list("phase").annotate(n=Count("id"))
    assert aggregates.overdue_counts(everything, today) == dict(overdue.order_by())


def test_truncate_counts_again(seed, user, owner_sql):
    """Only the owner may TRUNCATE (its connection sees committed rows: a transactional test)."""
    writer = EveryWriter(7)
    for _number in range(12):
        writer.random.choice([writer.start, writer.step, writer.step])()
    assert rows(KEPT["started"]) and any(hours for *_key, hours, _n in rows(KEPT["started"]))
    owner_sql.execute("TRUNCATE trajectories_trajectoryfigures")
    owner_sql.commit()
    assert_summaries_equal_counting_from_scratch("after TRUNCATE")
    assert all(hours == 0 for *_key, _count, hours, _n in rows(KEPT["started"]))


def test_a_completed_phase_counts_its_fee_in_the_month_it_ended(seed, user):
    writer = EveryWriter(3)
    writer.start()
    trajectory = Trajectory.objects.get()
    voortraject = trajectory.phases.get()
    assert rows(KEPT["running"]) == [
        (voortraject.deadline.replace(day=1), trajectory.mandate_id, 1, 1)
    ]
    writer.step()  # completes the Voortraject
    phase = trajectory.phases.get(phase=1)
    assert phase.fee_amount > 0
    (row,) = rows(KEPT["completed"])
    assert row == (
        phase.end_date.replace(day=1),
        trajectory.mandate_id,
        1,
        1,
        phase.fee_amount.quantize(Decimal("0.01")),
    )
    assert rows(KEPT["running"]) == []


def test_the_installed_rebuild_function_is_the_one_the_code_defines(db):
    """A change of `REBUILD_FUNCTION` needs a migration that installs it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = 'trajectories_summaries_rebuild'"
        )
        (installed,) = cursor.fetchone()
    assert " ".join(installed.split()) == body(REBUILD_FUNCTION)
