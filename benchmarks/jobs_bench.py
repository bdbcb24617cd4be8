"""Benchmark of the background jobs: enqueue-to-start latency, and an import run as jobs.

Part of `make bench` (at its largest size, after the pages: applying changes the data), and on
its own:

    DEBUG=1 .venv/bin/python benchmarks/jobs_bench.py [--jobs 20] [--rows 100000]

on the local database (the embedded PostgreSQL unless DATABASE_URL says otherwise). Either way
one real worker (`manage.py procrastinate worker`) is started for the run:

* latency: `--jobs` small imports (one row) queued one after the other, each waited for; the
  time from the job's `deferred` event to its `started` event (procrastinate_events), i.e. how
  long a page's job waits before a worker takes it (LISTEN/NOTIFY wakes the worker);
* the import: a file of `--rows` rows, every row completing a running phase (as
  `import_bench.py` builds it), checked and then applied by the worker; the time of each job
  from start to success. Applying changes the data for good (the worker commits): run it on a
  development or benchmark database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import Result  # noqa: E402


def wait(job, *, seconds: float = 3600):
    from doorstroom.jobs.models import ACTIVE

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in ACTIVE:
            return job
        time.sleep(0.02)
    raise TimeoutError(f"job {job.pk} not done within {seconds} s")


def event(job, kind: str):
    from procrastinate.contrib.django.models import ProcrastinateEvent

    return ProcrastinateEvent.objects.get(job_id=job.queue_id, type=kind).at


def ran_ms(job) -> float:
    """Milliseconds from the job's start to its success, by procrastinate's events."""
    return (event(job, "succeeded") - event(job, "started")).total_seconds() * 1000


def start_worker() -> subprocess.Popen:
    from procrastinate.contrib.django.models import ProcrastinateWorker

    before = set(ProcrastinateWorker.objects.values_list("id", flat=True))
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker"], env=dict(os.environ)
    )
    while not ProcrastinateWorker.objects.exclude(id__in=before).exists():
        if worker.poll() is not None:
            raise SystemExit("the job worker did not start")
        time.sleep(0.1)
    return worker


def jobs_cases(size: int, *, jobs: int = 20, rows: int = 100_000, grow: bool = False):
    """The latency and the import as Results. `grow`: replace the demo data when there are too
    few running phases for `rows` (standalone only; the bench imports what there is)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from benchmarks.import_bench import build_file
    from tests.factories.import_files import csv_file
    from trajectories import tasks

    user, _ = get_user_model().objects.get_or_create(
        username="import-benchmark", defaults={"is_superuser": True, "is_staff": True}
    )
    data, count = build_file(rows, "csv", timezone.localdate(), grow=grow)
    worker = start_worker()
    try:
        latencies = []
        tiny = csv_file([["DW-999999", 6441, "Voortraject", "04/03/2019", None, 1]])
        for _ in range(jobs):
            batch = tasks.import_batch_queue_check(user=user, data=tiny, file_name="een.csv")
            job = wait(batch.job)
            latencies.append((event(job, "started") - event(job, "deferred")).total_seconds())
        results = [
            Result(
                size,
                f"job: enqueue to start ({jobs} jobs)",
                [seconds * 1000 for seconds in latencies],
                queries=0,
                sql_ms=0.0,
            )
        ]
        megabytes = len(data) / 1024 / 1024
        batch = tasks.import_batch_queue_check(user=user, data=data, file_name="bench.csv")
        check = wait(batch.job)
        batch.refresh_from_db()
        results.append(
            Result(
                size,
                f"job: import check, {count:,} rows",
                [ran_ms(check)],
                queries=0,
                sql_ms=0.0,
                extra={
                    "MB": megabytes,
                    "status": batch.get_status_display(),
                    "changed": batch.changed_count,
                    "errors": batch.error_count,
                },
            )
        )
        batch = tasks.import_batch_queue_apply(batch=batch, user=user)
        apply = wait(batch.job)
        batch.refresh_from_db()
        results.append(
            Result(
                size,
                f"job: import apply, {count:,} rows",
                [ran_ms(apply)],
                queries=0,
                sql_ms=0.0,
                extra={"status": batch.get_status_display()},
            )
        )
        return results
    finally:
        worker.terminate()
        worker.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")
    import django

    django.setup()
    from benchmarks.report import report
    from doorstroom.seeds import load_all
    from trajectories.models import Trajectory

    load_all()
    size = Trajectory.objects.count()
    for result in jobs_cases(size, jobs=args.jobs, rows=args.rows, grow=True):
        report(result)


if __name__ == "__main__":
    main()
