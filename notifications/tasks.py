"""The periodic tasks of notifications, run by procrastinate's workers (`manage.py procrastinate
worker`). Their schedules and thresholds are settings (README, "Background tasks").

Each task holds the lock "notifications": two workers never run two of them at once, and the
queueing lock keeps at most one of each waiting. The database's constraints keep a reminder
from being added twice, and each e-mail from being sent twice, whatever runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from notifications.mail import notifications_email
from notifications.models import Delivery
from notifications.reminders import reminders_add
from notifications.retention import retention_run

LOCK = "notifications"
QUEUE = "notifications"
# A failed run (the mail server away) is tried again a few minutes later, then waits for the
# next scheduled one; nothing it did is lost or done twice.
OPTIONS = {"queue": QUEUE, "lock": LOCK, "retry": RetryStrategy(max_attempts=3, wait=300)}


def _day(timestamp: int) -> dt.date:
    """The local day of the moment the run was scheduled for."""
    return timezone.localdate(dt.datetime.fromtimestamp(timestamp, tz=dt.UTC))


def _in_a_worker(function):
    """Django's connections in a worker's thread are not closed by a request's end: close them
    here, so a stale one is not reused and none is left open."""
    close_old_connections()
    try:
        return function()
    finally:
        connection.close()


@app.periodic(cron=settings.REMINDERS_CRON, periodic_id="reminders")
@app.task(name="notifications.reminders", **OPTIONS, queueing_lock="reminders")
def reminders(timestamp: int) -> dict:
    """Add the reminders due, and e-mail those wanted immediately."""

    def run():
        added = reminders_add(today=_day(timestamp))
        return {"added": added, "emailed": notifications_email(delivery=Delivery.IMMEDIATELY)}

    return _in_a_worker(run)


@app.periodic(cron=settings.DIGEST_CRON, periodic_id="digest")
@app.task(name="notifications.digest", **OPTIONS, queueing_lock="digest")
def digest(timestamp: int) -> dict:
    """One e-mail per user with the day's notifications they want as a digest."""
    return _in_a_worker(lambda: {"emailed": notifications_email(delivery=Delivery.DAILY_DIGEST)})


@app.periodic(cron=settings.RETENTION_CRON, periodic_id="retention")
@app.task(name="notifications.retention", **OPTIONS, queueing_lock="retention")
def retention(timestamp: int) -> dict:
    """List the workers due for erasure, erase those listed long enough ago, and tell the
    administrators (e-mailed at once if they chose so)."""

    def run():
        record = retention_run(today=_day(timestamp))
        emailed = notifications_email(delivery=Delivery.IMMEDIATELY)
        return {"noticed": record.noticed_count, "erased": record.erased_count, "emailed": emailed}

    return _in_a_worker(run)
