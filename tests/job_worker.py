"""A real procrastinate worker on the test database, in a process of its own.

`python -m tests.job_worker` reads the test database's connection (name, role, host) from
TEST_DATABASE, puts it in place of the settings' database, and runs
`manage.py procrastinate worker` there, as the application role, as production does. The
`job_worker` fixture starts one per test (the test is transactional: a worker in another
connection sees only committed data) and stops it, or a test kills it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")
# Fast heartbeats and stalled-job checks, so a killed worker's job runs again within seconds.
FAST = {
    "JOBS_HEARTBEAT_SECONDS": "0.5",
    "JOBS_STALLED_SECONDS": "2",
    "JOBS_STALLED_CHECK_CRON": "* * * * * */1",
}


def start(settings_dict: dict, *, env: dict | None = None) -> subprocess.Popen:
    environment = {
        **os.environ,
        **FAST,
        **(env or {}),
        "TEST_DATABASE": json.dumps({key: settings_dict.get(key) or "" for key in KEYS}),
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.job_worker"],
        cwd=ROOT,
        env=environment,
        # Inherited: pytest captures what the worker logs and shows it when a test fails.
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


QUEUE_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers"
)


@pytest.fixture
def workers(transactional_db):
    """Start workers with `workers.start()`; every one is stopped after the test, and the
    queue's tables (which Django's flush leaves alone: procrastinate's models are unmanaged)
    emptied."""
    from django.db import connection
    from procrastinate.contrib.django.models import ProcrastinateWorker

    from doorstroom import dbroles
    from tests.conftest import connect_as

    started = []

    class Workers:
        @staticmethod
        def start() -> subprocess.Popen:
            # A new worker prunes a dead one's record: it is known by an id not seen before.
            before = set(ProcrastinateWorker.objects.values_list("id", flat=True))
            process = start(connection.settings_dict)
            started.append(process)
            wait_for(
                lambda: ProcrastinateWorker.objects.exclude(id__in=before).exists(),
                seconds=60,
                what="the worker registers itself",
            )
            return process

    yield Workers
    for process in started:
        stop(process)
    with connect_as(dbroles.owner_credentials()) as owner:
        owner.execute(f"TRUNCATE {QUEUE_TABLES} CASCADE")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    connections["default"].settings_dict.update(json.loads(os.environ["TEST_DATABASE"]))
    call_command("procrastinate", "worker")


if __name__ == "__main__":
    main()


def run_queued_jobs() -> int:
    """Run, in this process and in the test's transaction, the task of every job queued and not
    yet ended, as a worker would: for tests of what a task does, in a test that is not
    transactional (tests/test_jobs_worker.py runs them through a real worker). Returns how many
    ran."""
    from procrastinate.contrib.django import app
    from procrastinate.contrib.django.models import ProcrastinateJob

    from doorstroom.jobs.models import ACTIVE, Job

    ran = 0
    for job in ProcrastinateJob.objects.filter(status="todo").order_by("id"):
        if not Job.objects.filter(pk=job.args.get("job_id"), status__in=ACTIVE).exists():
            continue  # ended, or not a job of a page (a periodic task)
        app.tasks[job.task_name](**job.args)
        ran += 1
    return ran
