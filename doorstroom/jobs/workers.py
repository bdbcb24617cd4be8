"""Whether a worker is running: the heartbeats procrastinate's workers write."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateWorker


def worker_last_seen() -> dt.datetime | None:
    """The latest heartbeat of any worker (None: no worker has ever been seen, or none is left
    since the last one stopped)."""
    return ProcrastinateWorker.objects.aggregate(last=Max("last_heartbeat"))["last"]


def worker_report(*, silent_after: float) -> tuple[bool, str]:
    """(alive, a line for the health check)."""
    last = worker_last_seen()
    if last is None:
        return False, "worker: none running"
    seconds = (timezone.now() - last).total_seconds()
    if seconds > silent_after:
        return False, f"worker: not seen for {seconds:.0f} s"
    return True, f"worker: ok, seen {max(seconds, 0):.0f} s ago"
