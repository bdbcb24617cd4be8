"""The project's periodic tasks (procrastinate discovers every app's `tasks.py`)."""

from __future__ import annotations

from django.conf import settings
from procrastinate.contrib.django import app


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
