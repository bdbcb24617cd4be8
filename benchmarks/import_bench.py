"""Benchmark of the trajectory import: a 10,000-row file checked (preview) and applied.

    DEBUG=1 .venv/bin/python benchmarks/import_bench.py [--rows 10000] [--format csv|xlsx]

Runs against the local database (the embedded PostgreSQL unless DATABASE_URL says otherwise).
It adds demo trajectories if there are too few running ones (`generate_demo_trajectories`), builds
a file in which every row completes a running phase (the heaviest kind of row: a fee is computed
and written), and times the preview, the apply, and a second preview of the same file (every row
then "left alone"). Everything it applies is rolled back at the end, so it can run again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from doorstroom.seeds import load_all  # noqa: E402
from tests.factories.import_files import csv_file, xlsx_file  # noqa: E402
from trajectories import imports  # noqa: E402
from trajectories.dates import add_months  # noqa: E402
from trajectories.models import PhaseRecord, TrajectoryStatus  # noqa: E402


class Rollback(Exception):
    pass


def running_phases(limit: int, today: dt.date) -> list[tuple]:
    return list(
        PhaseRecord.objects.running()
        .filter(trajectory__status=TrajectoryStatus.RUNNING, start_date__lt=today)
        .order_by("trajectory_id")
        .values_list(
            "trajectory__worker__reference",
            "trajectory__mandate__project_number",
            "phase",
            "start_date",
            "max_months",
        )[:limit]
    )


def build_file(rows: int, file_format: str, today: dt.date, *, grow: bool = True) -> bytes:
    """A file of `rows` rows (fewer when there are fewer running phases and not `grow`)."""
    phases = running_phases(rows, today)
    if len(phases) < rows and grow:
        # About one demo trajectory in five is running; replace the demo data by enough of them.
        from trajectories.models import Trajectory

        demo = Trajectory.objects.filter(is_demo=True).count() or 1
        share = max(len(phases) / demo, 0.05) if len(phases) else 0.19
        count = int(rows / share * 1.25)
        print(f"too few running phases ({len(phases)}): replacing demo data by {count} ...")
        call_command("generate_demo_trajectories", count=count, seed=9, replace=True)
        phases = running_phases(rows, today)
    lines = []
    for reference, number, phase, start, max_months in phases:
        end = min(add_months(start, max_months), today, start + dt.timedelta(days=20))
        lines.append([reference, number, phase, start, end, 12])
    return _encode(lines, file_format), len(lines)


def _encode(lines: list, file_format: str) -> bytes:
    # The same files as the import tests write.
    return xlsx_file(lines) if file_format == "xlsx" else csv_file(lines)


def timed(label: str, **kwargs) -> imports.ImportReport:
    started = time.perf_counter()
    report = imports.import_run(**kwargs)
    seconds = time.perf_counter() - started
    print(f"{label:<32} {seconds:6.2f} s   {report.counts}  {report.file_errors[:1]}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()

    load_all()
    today = timezone.localdate()
    user, _ = get_user_model().objects.get_or_create(
        username="import-benchmark", defaults={"is_superuser": True, "is_staff": True}
    )
    data, rows = build_file(args.rows, args.format, today)
    name = f"benchmark.{args.format}"
    print(f"file: {rows} rows, {len(data) / 1024:.0f} KB, {args.format}")
    try:
        with transaction.atomic():
            timed("preview (dry run)", data=data, file_name=name, user=user, apply=False)
            report = timed("apply", data=data, file_name=name, user=user, apply=True)
            if not report.applied:
                bad = [r for r in report.rows if r.errors][:3]
                print("not applied:", [(r.row, [e.message for e in r.errors]) for r in bad])
            timed("same file again (preview)", data=data, file_name=name, user=user, apply=False)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as before")


if __name__ == "__main__":
    main()
