"""A large export written by a job, as a worker leaves it: its page offers the file."""

from __future__ import annotations

from doorstroom.exports import get_export
from doorstroom.jobs.models import Job
from doorstroom.tasks import export_xlsx_queue
from tests.job_worker import run_queued_jobs


def written_export(user) -> Job:
    """The mandates as XLSX, written by the job's task in this process."""
    job = export_xlsx_queue(export=get_export("mandates")({}, user=user), user=user)
    run_queued_jobs()
    job.refresh_from_db()
    return job
