"""Jobs run by a real procrastinate worker (a process of its own, as the application role) on
the test database: an import checked and applied with its progress, cancelled, and run again
after its worker was killed with SIGKILL in the middle; the health check's worker line.

Transactional tests: the worker sees only what the test committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from doorstroom import dbroles
from doorstroom.jobs.models import Job, JobStatus
from tests import job_worker
from tests.conftest import connect_as
from tests.factories.import_files import START, csv_file, started
from trajectories.models import ImportBatch, ImportStatus, Phase, PhaseRecord

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return sorted(PhaseRecord.objects.values_list("trajectory_id", "phase", "end_date", "hours"))


def settled(status: ImportStatus) -> bool:
    """The batch has `status` and its job has ended: the work commits the batch, the job's end
    is written just after it (doorstroom.jobs.running), and the page polls until then."""
    batch = ImportBatch.objects.select_related("job").get()
    return batch.status == status and batch.job.status not in (
        JobStatus.QUEUED,
        JobStatus.RUNNING,
    )


def test_an_upload_is_checked_then_applied_by_the_worker(seed, editor, client, workers):
    trajectory = started()
    ref, number = trajectory.worker.reference, trajectory.mandate.project_number
    rows = [
        [ref, number, "Voortraject", START, dt.date(2019, 3, 29), Decimal("12.5")],
        [ref, number, "Job matching", dt.date(2019, 4, 1), None, Decimal("4")],
    ]
    workers.start()
    client.force_login(editor)
    response = client.post(
        reverse("trajectories:import"),
        {"file": _upload("voortgang.csv", csv_file(rows))},
    )
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    job_worker.wait_for(
        lambda: settled(ImportStatus.CHECKED),
        seconds=60,
        what="the worker checks the file",
    )
    batch = ImportBatch.objects.select_related("job").get()
    assert (batch.created_count, batch.changed_count, batch.error_count) == (1, 1, 0)
    assert batch.job.status == JobStatus.DONE and batch.job.done == batch.job.total > 0
    job_worker.wait_for(  # procrastinate records it just after the job's own record
        lambda: ProcrastinateJob.objects.get(id=batch.job.queue_id).status == "succeeded",
        seconds=10,
        what="procrastinate records the success",
    )
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Toepassen" in page and "data-job-status-url" not in page

    client.post(batch.get_absolute_url())
    job = ImportBatch.objects.get().job
    assert job.kind == "import-apply" and job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert status["active"] is True
    job_worker.wait_for(
        lambda: settled(ImportStatus.APPLIED),
        seconds=60,
        what="the worker applies the file",
    )
    assert [(p.phase, p.end_date) for p in trajectory.phases.order_by("phase")] == [
        (Phase.VOORTRAJECT, dt.date(2019, 3, 29)),
        (Phase.JOB_MATCHING, None),
    ]
    status = client.get(reverse("job-status", args=[job.pk])).json()
    # Done: as far as its progress counted, all of it.
    assert status["done"] == status["total"] > 0
    assert {k: status[k] for k in ("status", "label", "active", "percent")} == {
        "status": "done",
        "label": "klaar",
        "active": False,
        "percent": 100,
    }


def many_rows(count: int) -> tuple[bytes, int]:
    """A file of every phase of `count` demo trajectories: the running ones with one hour more
    (changed), the others as they are (left alone, but checked row by row all the same).
    Returns the file and the number of changed rows."""
    call_command("generate_demo_trajectories", count=count, seed=3, verbosity=0)
    records = PhaseRecord.objects.select_related(
        "trajectory__worker", "trajectory__mandate"
    ).order_by("pk")
    rows, changed = [], 0
    for r in records:
        running = r.end_date is None and r.trajectory.end_date is None
        changed += running
        rows.append(
            [
                r.trajectory.worker.reference,
                r.trajectory.mandate.project_number,
                Phase(r.phase).label,
                r.start_date,
                r.end_date,
                r.hours + 1 if running else r.hours,
            ]
        )
    return csv_file(rows), changed


@contextlib.contextmanager
def phase_locked(record_id: int):
    """Another transaction holding one phase row, so a job's writes stop there: the job is then
    in the middle of its work (its earlier writes made, uncommitted), for as long as the test
    needs."""
    with connect_as(dbroles.owner_credentials()) as other:
        other.autocommit = False
        other.execute(
            "SELECT 1 FROM trajectories_phaserecord WHERE id = %s FOR UPDATE", [record_id]
        )
        yield
        other.rollback()


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def writing(job: Job) -> bool:
    """Every row checked, the writes under way (trajectories.imports.applying)."""
    return job.total > 1 and job.done == job.total - 1


def last_running_phase() -> int:
    return (
        PhaseRecord.objects.filter(end_date__isnull=True, trajectory__end_date__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def test_a_worker_killed_mid_apply_leaves_nothing_and_the_job_runs_again(seed, editor, workers):
    from trajectories import tasks

    data, count = many_rows(300)
    assert count > 10
    tasks.import_batch_queue_check(user=editor, data=data, file_name="veel.csv")
    first = workers.start()
    job_worker.wait_for(
        lambda: settled(ImportStatus.CHECKED),
        seconds=120,
        what="the worker checks the file",
    )
    batch = ImportBatch.objects.get()
    assert (batch.changed_count, batch.error_count) == (count, 0), batch.report["rows"][:3]
    before = snapshot()

    with phase_locked(last_running_phase()):
        job = tasks.import_batch_queue_apply(batch=batch, user=editor).job
        job_worker.wait_for(
            lambda: writing(Job.objects.get(pk=job.pk)) and waiting_on_a_lock(),
            seconds=60,
            what="the apply job writing its rows",
        )
        assert 0 < Job.objects.get(pk=job.pk).percent < 100
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

    # Nothing half-done: the apply's transaction died with the worker's connection.
    assert snapshot() == before
    assert ImportBatch.objects.get().status == ImportStatus.CHECKED
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    assert ProcrastinateJob.objects.get(id=job.queue_id).status == "doing"

    # Another worker takes the dead one's job once its heartbeat is stale, and finishes it.
    workers.start()
    job_worker.wait_for(
        lambda: settled(ImportStatus.APPLIED),
        seconds=120,
        what="the job run again by the second worker",
    )
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    old = {(t, p): hours for t, p, _end, hours in before}
    new = {(t, p): hours for t, p, _end, hours in snapshot()}
    assert sum(new[key] == hours + 1 for key, hours in old.items()) == count
    assert ProcrastinateJob.objects.get(id=job.queue_id).attempts == 2


def test_a_running_check_is_cancelled_and_nothing_is_kept(seed, editor, client, workers):
    from trajectories import tasks

    data, _count = many_rows(300)
    with phase_locked(last_running_phase()):
        batch = tasks.import_batch_queue_check(user=editor, data=data, file_name="veel.csv")
        workers.start()
        job_worker.wait_for(
            lambda: writing(Job.objects.get(pk=batch.job_id)) and waiting_on_a_lock(),
            seconds=60,
            what="the check under way",
        )
        client.force_login(editor)
        response = client.post(
            reverse("job-cancel", args=[batch.job_id]), {"next": batch.get_absolute_url()}
        )
        assert response.url == batch.get_absolute_url()
        assert Job.objects.get(pk=batch.job_id).status == JobStatus.CANCELLING
    job_worker.wait_for(
        lambda: ImportBatch.objects.get().status == ImportStatus.CANCELLED,
        seconds=60,
        what="the check stops",
    )
    assert Job.objects.get(pk=batch.job_id).status == JobStatus.CANCELLED
    batch = ImportBatch.objects.get()
    assert bytes(batch.content) == b"" and batch.report == {}
    assert "De taak werd geannuleerd" in client.get(batch.get_absolute_url()).content.decode()


def test_the_health_check_says_whether_a_worker_is_alive(client, workers):
    assert client.get(reverse("health")).content.decode() == "ok\nworker: none running\n"
    process = workers.start()
    body = client.get(reverse("health")).content.decode()
    assert body.startswith("ok\nworker: ok, seen ")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # JOBS_STALLED_SECONDS is 60 in the test process: a worker silent for a minute is named
    # (procrastinate's models are read-only).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
        )
    assert "worker: not seen for " in client.get(reverse("health")).content.decode()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def starts(queue_id: int) -> int:
    """How many times a worker started the job (procrastinate's events)."""
    return ProcrastinateEvent.objects.filter(job_id=queue_id, type="started").count()


def test_an_administrator_sees_a_failed_job_and_retries_it(make_user, workers):
    """Procrastinate's admin: failed jobs listed to administrators only, and run again."""
    from doorstroom.roles import Role
    from trajectories import tasks

    administrator = make_user("beheerder", Role.ADMINISTRATOR, is_staff=True)
    editor = make_user("redacteur", Role.EDITOR, is_staff=True)
    # A job whose record is gone fails in its task (Job.DoesNotExist).
    queue_id = tasks.import_check.defer(job_id=0, batch_id=0)
    workers.start()
    job_worker.wait_for(
        lambda: ProcrastinateJob.objects.get(id=queue_id).status == "failed",
        seconds=60,
        what="the job fails",
    )
    changelist = reverse("admin:procrastinate_procrastinatejob_changelist")
    client = Client()
    client.force_login(editor)
    assert client.get(changelist).status_code == 403
    client.force_login(administrator)
    assert "trajectories.import_check" in client.get(changelist + "?status=failed").content.decode()
    response = client.post(
        changelist, {"action": "retry", "_selected_action": [queue_id], "index": 0}
    )
    assert response.status_code == 302
    job_worker.wait_for(
        lambda: (
            starts(queue_id) == 2 and ProcrastinateJob.objects.get(id=queue_id).status == "failed"
        ),
        seconds=60,
        what="the job run again (and failing again)",
    )
