"""Retention of workers' personal data (the ESF+ rule by default): a worker whose last trajectory
ended and whose last payment was made RETENTION_YEARS before the 31 December of their year is
listed to the administrators RETENTION_NOTICE_DAYS ahead, then erased by the one erasure
(trajectories.services.worker_erase), which keeps every figure. Each run is recorded, in counts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from doorstroom.roles import Role
from notifications.models import Kind, RetentionNotice, RetentionRun
from notifications.services import Item, notifications_add, users_with_role
from payments.models import Payment
from trajectories.models import Trajectory, TrajectoryStatus, Worker
from trajectories.services import worker_erase


def due_on(reference: dt.date, years: int) -> dt.date:
    """The last day a worker's personal data are kept: 31 December of the reference date's
    year, `years` later."""
    return dt.date(reference.year + years, 12, 31)


def retention_due(*, before: dt.date, years: int):
    """Workers not erased, with no running trajectory, whose keeping ends before `before`:
    their reference date is the later of their last trajectory's end and their last payment
    (a worker never paid for: the end alone)."""
    last_payment = (
        Payment.objects.filter(claim__lines__trajectory__worker=OuterRef("pk"))
        .order_by("-paid_on")
        .values("paid_on")[:1]
    )
    running = Trajectory.objects.filter(worker=OuterRef("pk"), status=TrajectoryStatus.RUNNING)
    # Kept until 31 December of year Y + years, which is before `before` exactly when
    # Y + years < before.year.
    cutoff = dt.date(before.year - years, 1, 1)
    return (
        Worker.objects.filter(erased_at__isnull=True)
        .annotate(
            last_end=Max("trajectories__end_date"),
            last_payment=Subquery(last_payment),
        )
        .annotate(reference_date=Greatest("last_end", "last_payment"))
        .filter(last_end__isnull=False, reference_date__lt=cutoff)
        .exclude(Exists(running))
        .order_by("reference")
    )


RUNS_URL = "admin:notifications_retentionrun_changelist"


def _administrators_tell(*, key: str, params: dict) -> None:
    notifications_add(
        users=users_with_role(Role.ADMINISTRATOR),
        kind=Kind.RETENTION,
        items=[
            Item(key=key, params=params, url=reverse("admin:notifications_retentionrun_changelist"))
        ],
    )


@transaction.atomic
def retention_run(*, today: dt.date) -> RetentionRun:
    """List the workers due within the notice period to the administrators, erase those due
    whose notice is old enough, and record the run (counts only)."""
    years, notice_days = settings.RETENTION_YEARS, settings.RETENTION_NOTICE_DAYS
    # One run at a time: the task's procrastinate lock; a second run at once would fail on
    # the notice's one-per-worker constraint and leave nothing half-done.
    horizon = today + dt.timedelta(days=notice_days)
    due = list(retention_due(before=horizon, years=years))
    # A notice whose worker is no longer due (a new trajectory began) is withdrawn.
    RetentionNotice.objects.filter(worker__erased_at__isnull=True).exclude(
        worker__in=[w.pk for w in due]
    ).delete()
    noticed = {n.worker_id for n in RetentionNotice.objects.filter(worker__in=due)}
    new = [
        RetentionNotice(worker=w, due_on=due_on(w.reference_date, years), noticed_on=today)
        for w in due
        if w.pk not in noticed
    ]
    RetentionNotice.objects.bulk_create(new)
    erasable = RetentionNotice.objects.filter(
        worker__in=[w.pk for w in due],
        due_on__lt=today,
        noticed_on__lte=today - dt.timedelta(days=notice_days),
    ).select_related("worker")
    erased = 0
    for notice in erasable:
        worker_erase(worker=notice.worker)
        erased += 1
    run = RetentionRun.objects.create(noticed_count=len(new), erased_count=erased, years=years)
    if new:
        _administrators_tell(
            key=f"retention-notice:{run.pk}",
            params={
                "stage": "notice",
                "count": len(new),
                "due_on": min(n.due_on for n in new).isoformat(),
                "references": sorted(n.worker.reference for n in new),
            },
        )
    if new or erased:
        _administrators_tell(
            key=f"retention-run:{run.pk}",
            params={"stage": "run", "noticed": len(new), "erased": erased},
        )
    return run
