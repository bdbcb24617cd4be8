"""The project's tasks (procrastinate discovers every app's `tasks.py`): jobs of a worker that
died run again, large XLSX exports written by a worker, and their files removed after a while."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone, translation
from procrastinate.contrib.django import app

from doorstroom.exports import Export, get_export, write_xlsx
from doorstroom.jobs.models import Job
from doorstroom.jobs.running import Progress, job_run
from doorstroom.jobs.services import job_defer


@app.periodic(cron=settings.JOBS_STALLED_CHECK_CRON)
@app.task(queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Run again the jobs of a worker that stopped without a word (killed, its machine gone):
    one whose heartbeat is older than JOBS_STALLED_SECONDS. The work they did was never
    committed, so running them again is safe."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.JOBS_STALLED_SECONDS
    ):
        await manager.retry_job(job)


# --- large XLSX exports, written by a worker ------------------------------------------------

EXPORT_XLSX = "export-xlsx"


def export_xlsx_is_long(export: Export) -> bool:
    """More rows than EXPORT_XLSX_JOB_ROWS (counted no further than that): a worker writes it.
    Exports without a listing's rows (aggregates: a few hundred rows) are always written at
    once."""
    if export.queryset is None:
        return False
    limit = settings.EXPORT_XLSX_JOB_ROWS
    return export.queryset.order_by()[: limit + 1].count() > limit


def export_xlsx_queue(*, export: Export, user) -> Job:
    """Queue writing the export as XLSX, with its filters and in its language."""
    return job_defer(
        kind=EXPORT_XLSX,
        user=user,
        task=export_xlsx,
        parameters={"export": export.name, "filters": export.params, "language": export.language},
    )


def _counted(rows: Iterable, total: int, progress: Progress) -> Iterator:
    for done, row in enumerate(rows):
        progress(done, total)
        yield row
    progress(total, total)


@app.task(name="doorstroom.export_xlsx")
def export_xlsx(*, job_id: int) -> None:
    def work(job: Job, progress: Progress) -> None:
        parameters = job.parameters
        with translation.override(parameters["language"]):
            export = get_export(parameters["export"])(parameters["filters"], user=job.created_by)
            total = export.queryset.count()
            buffer = io.BytesIO()
            write_xlsx(export, buffer, rows=_counted(export.rows(), total, progress))
            name = export.filename("xlsx")
        Job.objects.filter(pk=job.pk).update(
            result=buffer.getvalue(),
            result_name=name,
            parameters={**parameters, "rows": total},
        )

    job_run(job_id=job_id, work=work)


@app.periodic(cron=settings.JOBS_RESULT_CRON)
@app.task(queueing_lock="remove_old_job_files")
def remove_old_job_files(timestamp: int) -> int:
    """Remove the files of jobs that ended more than JOBS_RESULT_DAYS ago (their record stays)."""
    before = timezone.now() - dt.timedelta(days=settings.JOBS_RESULT_DAYS)
    return (
        Job.objects.filter(finished_at__lt=before)
        .exclude(result=None)
        .update(result=None, result_name="")
    )
