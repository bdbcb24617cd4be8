"""Starting and cancelling jobs."""

from __future__ import annotations

from django.db import transaction

from doorstroom.jobs.models import Job, JobStatus


def job_defer(
    *, kind: str, user, task, lock: str | None = None, parameters: dict | None = None, **kwargs
) -> Job:
    """Record a job and queue its task, in one transaction (procrastinate's Django connector
    writes through Django's connection): a job is never queued without its record, nor the other
    way round. `lock`: jobs with the same lock run one after the other (procrastinate)."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, created_by=user, parameters=parameters or {})
        queued = task.configure(lock=lock) if lock else task
        job.queue_id = queued.defer(job_id=job.pk, **kwargs)
        job.save(update_fields=["queue_id"])
    return job


def job_cancel(*, job: Job) -> Job:
    """Ask a job to stop: a running one does at its next progress report, its work rolled back;
    a queued one as soon as a worker takes it, before it starts. Either way its task ends it
    (`running.job_run`), so what it leaves behind is tidied by the task that knows it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            job.status = JobStatus.CANCELLING
            job.save(update_fields=["status"])
    return job
