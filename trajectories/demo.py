"""Synthetic, clearly marked demo trajectories: deterministic for a seed, fast enough for 1M.

Rows are generated in Python with one `random.Random(seed)` and written with PostgreSQL COPY in
chunks, so a million trajectories (about four million phases) take minutes, not hours. The
database triggers and constraints stay on: demo data obeys the same rules as real data. Fees are
computed with the same indexation code as `phase_complete`, on the index loaded once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone

from doorstroom import sql
from mandates.models import Mandate, Organisation
from trajectories.dates import add_months
from trajectories.indexation import HealthIndex
from trajectories.models import (
    JobOutcome,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
    Worker,
)
from trajectories.schedules import FeeSchedules

DEMO_FIRST_DAY = dt.date(2018, 1, 1)
# A fixed "today" for the generator, so one seed always gives the same data.
DEMO_AS_OF = dt.date(2026, 10, 31)
CHUNK = 10_000

FIRST_NAMES = (
    *("Amina", "Bram", "Chloé", "Dries", "Elif", "Femke", "Gert", "Hanne", "Ilias", "Jana"),
    *("Kobe", "Lotte", "Mehmet", "Nora", "Omar", "Paulien", "Quinten", "Rania", "Sander"),
    *("Tine", "Umut", "Vera", "Wout", "Yasmine", "Zeno"),
)
LAST_NAMES = (
    *("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens"),
    *("Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Hermans", "Aerts", "Bulut"),
    *("El Amrani", "Yilmaz", "Van Damme", "Pauwels", "Verstraete"),
)


@dataclass
class Plan:
    worker: tuple
    trajectory: list
    phases: list[tuple] = field(default_factory=list)


class DemoGenerator:
    """Plans trajectories; `write` streams them into the database with COPY."""

    def __init__(self, *, seed: int, as_of: dt.date = DEMO_AS_OF) -> None:
        self.random = random.Random(seed)
        self.as_of = as_of
        self.mandates = list(
            Mandate.objects.order_by("project_number").values_list("pk", flat=True)
        )
        self.organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        if not self.mandates or not self.organisations:
            raise ValueError("Laad eerst de seed (manage.py load_seed): er zijn geen mandaten.")
        self.schedules = FeeSchedules.load()
        self.index = HealthIndex.load()
        self.span_days = (as_of - DEMO_FIRST_DAY).days
        self.now = timezone.now()

    def plan(self, worker_id: int, trajectory_id: int) -> Plan:
        rnd = self.random
        start = DEMO_FIRST_DAY + dt.timedelta(days=rnd.randrange(self.span_days))
        worker = (
            worker_id,
            rnd.choice(FIRST_NAMES),
            rnd.choice(LAST_NAMES),
            None,  # demo workers never get a national number, not even a plausible one
            True,
        )
        status, end_date, outcome = TrajectoryStatus.RUNNING, None, JobOutcome.UNKNOWN
        stop_reason = ""
        host = None
        phases: list[tuple] = []
        paid = Decimal("0.00")
        day = start
        for phase in Phase:
            if day > self.as_of:
                break
            max_months = self.schedules.max_months(phase=phase, start=day)
            deadline = add_months(day, max_months)
            if phase == Phase.STAGE:
                host = rnd.choice(self.organisations)
            # Most phases end well within their maximum; a few linger past it, still running.
            lingering = rnd.random() < 0.04
            if lingering:
                end = deadline + dt.timedelta(days=rnd.randrange(1, 120))
            else:
                longest = (deadline - day).days
                end = day + dt.timedelta(days=rnd.randint(longest // 3, longest))
            norm = self.schedules.phase(self.schedules.in_force(day), phase).norm_hours
            hours = Decimal(rnd.randint(norm, norm * 3)) / 2
            if end > self.as_of or lingering:
                phases.append((trajectory_id, phase, day, None, max_months, hours, *[None] * 5, ""))
                break
            if rnd.random() < 0.06:
                phases.append((trajectory_id, phase, day, end, max_months, hours, *[None] * 5, ""))
                status, end_date, stop_reason = TrajectoryStatus.STOPPED, end, "demo: afgebroken"
                outcome = rnd.choice([JobOutcome.NO_JOB, JobOutcome.UNKNOWN])
                break
            fee = self.schedules.fee(
                phase=phase, completed_on=end, already_paid=paid, index=self.index
            )
            paid += fee.amount
            phases.append(
                (
                    trajectory_id,
                    phase,
                    day,
                    end,
                    max_months,
                    hours,
                    fee.amount,
                    fee.schedule.pk,
                    fee.indexed.reference_month,
                    fee.indexed.index_value,
                    fee.indexed.base_index_value,
                    fee.note,
                )
            )
            if phase == Phase.NAZORG:
                status, end_date = TrajectoryStatus.COMPLETED, end
                outcome = rnd.choices(
                    [JobOutcome.REGULAR_JOB, JobOutcome.NO_JOB, JobOutcome.UNKNOWN], [45, 35, 20]
                )[0]
            day = end + dt.timedelta(days=rnd.randrange(0, 10))
        trajectory = [
            trajectory_id,
            worker_id,
            rnd.choice(self.mandates),
            rnd.choice(self.organisations),
            host,
            start,
            end_date,
            status,
            outcome,
            stop_reason,
            True,
            self.now,
            max(row[1] for row in phases),
        ]
        return Plan(worker=worker, trajectory=trajectory, phases=phases)


WORKER_COLUMNS = "id, first_name, last_name, insz, is_demo"
TRAJECTORY_COLUMNS = (
    "id, worker_id, mandate_id, origin_employer_id, host_employer_id, start_date, end_date, "
    "status, outcome, stop_reason, is_demo, created_at, current_phase"
)
PHASE_COLUMNS = (
    "trajectory_id, phase, start_date, end_date, max_months, hours, fee_amount, fee_schedule_id, "
    "index_reference_month, index_value, index_base_value, fee_note, over_maximum, "
    "over_maximum_reason"
)


def demo_count() -> int:
    return Trajectory.objects.filter(is_demo=True).count()


def demo_delete() -> int:
    """Remove every demo trajectory, its phases and its demo worker."""
    # The trajectories go too: no need to derive their current phase as each phase goes.
    with (
        transaction.atomic(),
        pgtrigger.ignore(*CURRENT_PHASE_TRIGGERS),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.DEMO_PHASES_DELETE)
        cursor.execute(sql.DEMO_TRAJECTORIES_DELETE)
        deleted = cursor.rowcount
        cursor.execute(sql.DEMO_WORKERS_DELETE)
    return deleted


CURRENT_PHASE_TRIGGERS = (
    "trajectories.Trajectory:current_phase_derive",
    "trajectories.PhaseRecord:current_phase_sync",
    "trajectories.PhaseRecord:current_phase_sync_update",
)

DEMO_UNAUDITED_TRIGGERS = (
    "trajectories.Worker:insert_insert",
    "trajectories.Trajectory:insert_insert",
    "trajectories.PhaseRecord:insert_insert",
    # The generator writes each trajectory's current phase itself, instead of four updates of
    # every trajectory as its phases arrive.
    *CURRENT_PHASE_TRIGGERS,
)


def demo_generate(
    *,
    count: int,
    seed: int,
    as_of: dt.date = DEMO_AS_OF,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate `count` demo trajectories in one transaction; returns the number of phases."""
    generator = DemoGenerator(seed=seed, as_of=as_of)
    phase_count = 0
    # Synthetic rows need no audit events: skipping their insert triggers halves the time of
    # a million-trajectory benchmark set. Changes made to demo data later are audited as usual.
    # Only the database's owner may skip a trigger (doorstroom/auditdb.py): as the application
    # the triggers run, and the rows are audited like any other.
    with (
        transaction.atomic(),
        pgtrigger.ignore(*DEMO_UNAUDITED_TRIGGERS),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.COMPLETED_WITH_NAZORG_AT_COMMIT)
        for offset in range(0, count, CHUNK):
            size = min(CHUNK, count - offset)
            worker_ids = sql.reserve_ids(cursor, Worker._meta.db_table, size)
            trajectory_ids = sql.reserve_ids(cursor, Trajectory._meta.db_table, size)
            plans = [generator.plan(w, t) for w, t in zip(worker_ids, trajectory_ids, strict=True)]
            sql.copy_rows(cursor, Worker._meta.db_table, WORKER_COLUMNS, (p.worker for p in plans))
            sql.copy_rows(
                cursor, Trajectory._meta.db_table, TRAJECTORY_COLUMNS, (p.trajectory for p in plans)
            )
            phase_rows = [(*row, False, "") for p in plans for row in p.phases]
            sql.copy_rows(cursor, PhaseRecord._meta.db_table, PHASE_COLUMNS, iter(phase_rows))
            phase_count += len(phase_rows)
            if progress:
                progress(size)
    # Statistics for what was just written, before the first page is served: until then the
    # planner takes the tables for the size they had (a million trajectories served in 1.0 to
    # 1.7 s until autovacuum got to them, 40 ms after).
    with connection.cursor() as cursor:
        cursor.execute(sql.ANALYZE_FILLED)
    return phase_count
