"""Checking and applying an import as jobs run by a worker (procrastinate), with progress.

A job checking or applying a batch holds the batch's procrastinate lock, so two jobs on one
batch never run at once; each run locks the batch row and does nothing when the batch has moved
on (a job run again after its worker died, a second click). The work is one transaction, so a
worker killed in the middle leaves nothing behind, and the job runs again
(doorstroom.tasks.retry_stalled_jobs).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from procrastinate.contrib.django import app

from doorstroom.jobs.running import job_run
from doorstroom.jobs.services import job_defer
from trajectories.imports import batches
from trajectories.models import ImportBatch, ImportStatus

CHECK, APPLY = "import-check", "import-apply"


def _lock(batch: ImportBatch) -> str:
    return f"trajectories.import-batch.{batch.pk}"


def import_batch_queue_check(*, user, data: bytes, file_name: str) -> ImportBatch:
    """Keep an uploaded file and queue its check."""
    batch = batches.import_batch_keep(user=user, data=data, file_name=file_name)
    batch.job = job_defer(
        kind=CHECK, user=user, task=import_check, lock=_lock(batch), batch_id=batch.pk
    )
    batch.save(update_fields=["job"])
    return batch


def import_batch_queue_apply(*, batch: ImportBatch, user) -> ImportBatch:
    """Queue applying a checked file (once: while a job on it is under way, nothing more)."""
    batches.require_edit_role(user)
    if batch.status != ImportStatus.CHECKED or (batch.job and batch.job.is_active):
        return batch
    batch.job = job_defer(
        kind=APPLY, user=user, task=import_apply, lock=_lock(batch), batch_id=batch.pk
    )
    batch.save(update_fields=["job"])
    return batch


@app.task(name="trajectories.import_check")
def import_check(*, job_id: int, batch_id: int) -> None:
    def work(job, progress) -> None:
        batches.import_batch_check_kept(batch=ImportBatch(pk=batch_id), progress=progress)

    def cancelled() -> None:
        # Nothing to apply: the file is not kept.
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.CHECKING).update(
            status=ImportStatus.CANCELLED, content=b""
        )

    job_run(job_id=job_id, work=work, on_cancel=cancelled)


@app.task(name="trajectories.import_apply")
def import_apply(*, job_id: int, batch_id: int) -> None:
    def work(job, progress) -> None:
        user = get_user_model().objects.get(pk=job.created_by_id)
        batches.import_batch_apply(batch=ImportBatch(pk=batch_id), user=user, progress=progress)

    job_run(job_id=job_id, work=work)
