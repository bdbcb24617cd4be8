"""Benchmark of the background jobs: enqueue-to-start latency, and an import run as jobs.

    DEBUG=1 .venv/bin/python benchmarks/jobs_bench.py [--jobs 20] [--rows 100000]

Runs against the local database (the embedded PostgreSQL unless DATABASE_URL says otherwise),
with one real worker (`manage.py procrastinate worker`) started for the run:

* latency: `--jobs` small imports (one row) queued one after the other, each waited for; the
  time from the job's `deferred` event to its `started` event (procrastinate_events), i.e. how
  long a page's job waits before a worker takes it (LISTEN/NOTIFY wakes the worker);
* the import: a file of `--rows` rows, every row completing a running phase (as
  `import_bench.py` builds it, adding demo trajectories when there are too few), checked and then
  applied by the worker; the time of each job from start to success. Applying changes the demo
  data for good (the worker commits): run it on a development or benchmark database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from procrastinate.contrib.django.models import (  # noqa: E402
    ProcrastinateEvent,
    ProcrastinateWorker,
)

from benchmarks.import_bench import build_file  # noqa: E402
from doorstroom.jobs.models import ACTIVE, Job  # noqa: E402
from doorstroom.seeds import load_all  # noqa: E402
from tests.factories.import_files import csv_file  # noqa: E402
from trajectories import tasks  # noqa: E402


def wait(job: Job, *, seconds: float = 3600) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in ACTIVE:
            return job
        time.sleep(0.02)
    raise TimeoutError(f"job {job.pk} not done within {seconds} s")


def event(job: Job, kind: str):
    return ProcrastinateEvent.objects.get(job_id=job.queue_id, type=kind).at


def ran(job: Job) -> float:
    """Seconds from the job's start to its success, by procrastinate's events."""
    return (event(job, "succeeded") - event(job, "started")).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    load_all()
    user, _ = get_user_model().objects.get_or_create(
        username="import-benchmark", defaults={"is_superuser": True, "is_staff": True}
    )
    data, rows = build_file(args.rows, "csv", timezone.localdate())
    before = set(ProcrastinateWorker.objects.values_list("id", flat=True))
    worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "procrastinate", "worker"])
    try:
        while not ProcrastinateWorker.objects.exclude(id__in=before).exists():
            time.sleep(0.1)
        latencies = []
        tiny = csv_file([["DW-999999", 6441, "Voortraject", "04/03/2019", None, 1]])
        for _ in range(args.jobs):
            batch = tasks.import_batch_queue_check(user=user, data=tiny, file_name="een.csv")
            job = wait(batch.job)
            latencies.append((event(job, "started") - event(job, "deferred")).total_seconds())
        latencies.sort()
        print(
            f"enqueue to start, {args.jobs} jobs: median {statistics.median(latencies) * 1000:.0f}"
            f" ms, slowest {latencies[-1] * 1000:.0f} ms"
        )

        print(f"file: {rows} rows, {len(data) / 1024 / 1024:.1f} MB, csv")
        started = time.perf_counter()
        batch = tasks.import_batch_queue_check(user=user, data=data, file_name="bench.csv")
        check = wait(batch.job)
        batch.refresh_from_db()
        waited = time.perf_counter() - started
        print(
            f"check (job)   {ran(check):6.1f} s  (upload to report {waited:.1f} s), "
            f"{batch.get_status_display()}, {batch.changed_count} changed, "
            f"{batch.error_count} errors"
        )
        batch = tasks.import_batch_queue_apply(batch=batch, user=user)
        apply = wait(batch.job)
        batch.refresh_from_db()
        print(f"apply (job)   {ran(apply):6.1f} s, {batch.get_status_display()}")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


if __name__ == "__main__":
    main()
