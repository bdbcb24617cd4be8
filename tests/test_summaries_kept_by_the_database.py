"""What the database keeps beside the data it summarises (the figures of each trajectory) stays
equal to counting from scratch, whatever writes the data: services, raw SQL, bulk updates,
deletes; and the function the triggers call is the one the code defines."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.db import connection

from mandates.models import Mandate, Organisation
from trajectories.models import PhaseRecord, Trajectory, TrajectoryFigures
from trajectories.models.figures import REFRESH_FUNCTION
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_start,
    trajectory_stop,
    worker_create,
)

# A row for every trajectory, of nothing where it has no phases.
FROM_SCRATCH = """
SELECT t.id, coalesce(sum(p.hours), 0), sum(p.fee_amount),
       max(p.deadline) FILTER (WHERE p.end_date IS NULL), count(p.id) > 0
  FROM trajectories_trajectory t LEFT JOIN trajectories_phaserecord p ON p.trajectory_id = t.id
 GROUP BY t.id ORDER BY 1
"""


def kept() -> list[tuple]:
    return list(
        TrajectoryFigures.objects.order_by("trajectory_id").values_list(
            "trajectory_id", "hours_total", "fees_total", "running_deadline", "with_phases"
        )
    )


def from_scratch() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(FROM_SCRATCH)
        return [tuple(row) for row in cursor.fetchall()]


class Writer:
    """Random writes of every kind that changes phases."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.mandates = list(Mandate.objects.all()[:5])
        self.employer = Organisation.objects.first()
        self.day = dt.date(2019, 1, 7)

    def next_day(self) -> dt.date:
        self.day += dt.timedelta(days=self.random.randrange(1, 20))
        return self.day

    def running(self) -> list[Trajectory]:
        return list(Trajectory.objects.filter(status="lopend"))

    def start(self) -> None:
        trajectory_start(
            worker=worker_create(first_name="Test", last_name="Persoon"),
            mandate=self.random.choice(self.mandates),
            origin_employer=self.employer,
            start_date=self.next_day(),
        )

    def step(self) -> None:
        """Complete the running phase, or start the next one."""
        trajectories = self.running()
        if not trajectories:
            return self.start()
        trajectory = self.random.choice(trajectories)
        last = trajectory.phases.order_by("phase").last()
        day = max(self.next_day(), last.start_date + dt.timedelta(days=3))
        if last.end_date is None:
            last_day = min(day, last.deadline)
            phase_complete(
                trajectory=trajectory, end_date=last_day, hours=Decimal(self.random.randrange(40))
            )
        elif last.phase < 4:
            phase_start(trajectory=trajectory, start_date=max(day, last.end_date))

    def stop(self) -> None:
        trajectories = self.running()
        if trajectories:
            trajectory = self.random.choice(trajectories)
            last = trajectory.phases.order_by("phase").last()
            end = max(self.next_day(), last.start_date, last.end_date or last.start_date)
            trajectory_stop(trajectory=trajectory, end_date=min(end, last.deadline), reason="test")

    def raw_hours(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE trajectories_phaserecord SET hours = hours + %s WHERE id = "
                "(SELECT id FROM trajectories_phaserecord ORDER BY random() LIMIT 1)",
                [self.random.randrange(1, 9)],
            )

    def bulk_hours(self) -> None:
        PhaseRecord.objects.filter(phase=self.random.randrange(1, 5)).update(hours=Decimal("7.5"))

    def delete_running_phase(self) -> None:
        """A phase started by mistake, taken away (the trajectory keeps its earlier phases)."""
        phase = PhaseRecord.objects.filter(end_date__isnull=True, phase__gt=1).first()
        if phase is not None:
            phase.delete()

    def operations(self) -> list:
        # Bulk updates and deletes are drawn more rarely (every fifteenth write).
        return [self.start, self.step, self.step, self.step, self.stop, self.raw_hours]


@pytest.mark.parametrize("draw", range(4))
def test_the_figures_of_every_trajectory_equal_counting_from_scratch(draw, seed):
    writer = Writer(draw)
    for number in range(45):
        if number % 15 == 14:
            writer.random.choice([writer.bulk_hours, writer.delete_running_phase])()
        else:
            writer.random.choice(writer.operations())()
        assert kept() == from_scratch(), f"after write {number}"
    assert len(kept()) >= 5
    assert any(fees for _id, _hours, fees, *_rest in kept())  # completed phases among them
    assert any(deadline for *_rest, deadline, _with in kept())  # and running ones


def test_a_trajectory_without_phases_has_figures_of_nothing(seed):
    Writer(9).start()
    trajectory = Trajectory.objects.get()
    assert TrajectoryFigures.objects.filter(trajectory=trajectory, with_phases=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM trajectories_phaserecord")
    figures = TrajectoryFigures.objects.get()
    assert (figures.hours_total, figures.fees_total, figures.running_deadline) == (0, None, None)
    assert not figures.with_phases
    listed = Trajectory.objects.for_listing().get()
    assert (listed.hours_total, listed.fees_total, listed.is_overdue) == (0, None, False)


def body(definition: str) -> str:
    return " ".join(definition.split("$$")[1].split())


def test_the_installed_refresh_function_is_the_one_the_code_defines(db):
    """A change of `REFRESH_FUNCTION` needs a migration that installs it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'trajectories_figures_refresh'")
        (installed,) = cursor.fetchone()
    assert " ".join(installed.split()) == body(REFRESH_FUNCTION)
    assert re.search(r"ON CONFLICT", installed)


SUMMARY_TABLES = [
    "trajectories_startedsummary",
    "trajectories_startedmonthsummary",
    "trajectories_endedsummary",
    "trajectories_completedphasesummary",
    "trajectories_runningphasesummary",
    "trajectories_runningphasedaysummary",
]


def pages_without_a_live_row(table: str) -> int:
    """Pages of the table (after its last row) that hold no row a reader sees: the dead
    versions a bulk load leaves, which a reader still reads."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int "
            f"- count(DISTINCT (ctid::text::point)[0]) FROM {table}"
        )
        return cursor.fetchone()[0]


def test_a_bulk_load_leaves_the_summaries_compact(seed):
    """The demo generator (as an import of 10,000 rows) rewrites the summaries after it: in one
    transaction, every statement makes new versions of the same summary rows, and without the
    rewrite the pages of the old ones stay in the table for every reader to read."""
    from trajectories.demo import demo_generate

    # Three loads in the test's one transaction: the dead versions of the first two remain.
    for step in range(3):
        demo_generate(count=200, seed=40 + step)
    assert Trajectory.objects.count() == 600
    for table in SUMMARY_TABLES:
        assert pages_without_a_live_row(table) == 0, table
