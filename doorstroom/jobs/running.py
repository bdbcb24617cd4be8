"""What a task does around its work: the job's status, its progress, its cancellation."""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
from django.db import connections, transaction
from django.utils import timezone

from doorstroom import sql
from doorstroom.jobs.models import Job, JobStatus


class JobCancelled(Exception):
    """Raised inside the work when its job was asked to stop: its transaction rolls back."""


class Progress:
    """Writes how far a job is on a connection of its own, in autocommit, so a page polling the
    job sees it while the work's transaction is still open; says when the job is to stop.

    At most every `interval` seconds, so a loop may call it per row; the first step and the
    last two (the work's final step, such as its writes, and the end) always.
    """

    def __init__(self, job_id: int, *, interval: float = 0.5) -> None:
        self.job_id = job_id
        self.interval = interval
        self._last = 0.0
        self._connection: psycopg.Connection | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if 0 < done < total - 1 and now - self._last < self.interval:
            return
        self._last = now
        if self._connection is None:
            params = connections["default"].get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self._connection = psycopg.connect(**params, autocommit=True)
        row = self._connection.execute(
            sql.JOB_PROGRESS, [min(done, total), total, self.job_id]
        ).fetchone()
        if row is not None and row[0] == JobStatus.CANCELLING:
            raise JobCancelled

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def job_run(
    *,
    job_id: int,
    work: Callable[[Job, Progress], None],
    on_cancel: Callable[[], None] | None = None,
) -> None:
    """Run `work` for the job, unless it already ended (a job run again after its worker died
    finds itself still running, and runs again: the work it did then was never committed).
    `on_cancel` tidies up after a cancelled job, whether it had started or not."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.CANCELLING:
            _finish(job, JobStatus.CANCELLED)
            if on_cancel is not None:
                on_cancel()
        if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return
        job.status = JobStatus.RUNNING
        job.done = 0
        job.save(update_fields=["status", "done"])
    progress = Progress(job.pk)
    try:
        work(job, progress)
    except JobCancelled:
        _finish(job, JobStatus.CANCELLED)
        if on_cancel is not None:
            on_cancel()
    except Exception as error:
        _finish(job, JobStatus.FAILED, message=str(error)[:1000])
        raise
    else:
        _finish(job, JobStatus.DONE)
    finally:
        progress.close()


def _finish(job: Job, status: JobStatus, *, message: str = "") -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.message = message
    # As far as the work's progress got (written on its own connection), all of it when done.
    job.refresh_from_db(fields=["done", "total"])
    if status == JobStatus.DONE:
        job.done = job.total = max(job.total, 1)
    job.save(update_fields=["status", "finished_at", "message", "done", "total"])
