"""Long work run by a worker (procrastinate, in the same PostgreSQL), with its progress.

A page that starts long work (checking or applying an import) records a `Job` and defers a
procrastinate task in the same transaction; a worker (`manage.py procrastinate worker`) runs it.
The task reports its progress on a connection of its own (`running.Progress`), so the page that
polls it sees the progress while the work's own transaction, all or nothing, is still open. A
cancellation is asked for on the job (`jobs.services.job_cancel`) and noticed by the task at its
next progress report: it raises `JobCancelled`, which rolls its transaction back.

Retries, locks and periodic tasks are procrastinate's: a worker killed in the middle of a job
leaves the job's transaction uncommitted (PostgreSQL rolls it back when the connection drops),
and `doorstroom.tasks.retry_stalled_jobs` runs it again once the worker's heartbeat is older
than `JOBS_STALLED_SECONDS`.
"""
