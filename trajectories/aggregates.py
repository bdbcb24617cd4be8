"""The aggregate figures read from the summaries the database keeps per month and mandate
(`trajectories.models.summaries`): the dashboard, the hours page and the aggregate exports cost
the same at a million trajectories as at ten thousand.

A summary answers for whole months only (as every published period is,
`doorstroom.disclosure.periods`); `summed_period` says whether it can, and the callers count
from the rows otherwise (a period of days on the command line). Every function takes the
mandates whose rows count: the user's scope, a call, a province or a mandate chosen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import ExtractYear

from doorstroom.disclosure.periods import is_month_end, is_month_start
from mandates.models import Mandate
from trajectories.dates import month_start
from trajectories.models import (
    CompletedPhaseSummary,
    EndedSummary,
    RunningPhaseDaySummary,
    RunningPhaseSummary,
    StartedMonthSummary,
    StartedSummary,
)


def summed_period(filters: dict[str, Any], start: str = "date_from", end: str = "date_to") -> bool:
    """Whether the period of `filters` is whole months (or open), which the summaries answer."""
    date_from, date_to = filters.get(start), filters.get(end)
    return (not date_from or is_month_start(date_from)) and (not date_to or is_month_end(date_to))


def visible_mandates(user) -> QuerySet:
    """The mandates whose trajectories `user` may see (every one without a user)."""
    mandates = Mandate.objects.all()
    return mandates if user is None else mandates.visible_to(user)


def in_months(
    queryset: QuerySet, date_from: dt.date | None, date_to: dt.date | None, field: str = "month"
) -> QuerySet:
    """Rows of the whole months from `date_from` (a first day) to `date_to` (a last day)."""
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lte": date_to})
    return queryset


def started(mandates: QuerySet, date_from=None, date_to=None) -> QuerySet:
    """The started trajectories' rows of these mandates and months (not those at zero)."""
    rows = StartedSummary.objects.filter(mandate__in=mandates.values("pk"), trajectories__gt=0)
    return in_months(rows, date_from, date_to)


def ended_counts(mandates: QuerySet, date_from=None, date_to=None) -> list[dict]:
    """Ended trajectories per call number, year of the end and outcome: dicts of call, year,
    outcome and n."""
    rows = EndedSummary.objects.filter(mandate__in=mandates.values("pk"))
    rows = in_months(rows, date_from, date_to)
    return list(
        rows.values("outcome", call=F("mandate__call__number"), year=ExtractYear("month"))
        .annotate(n=Sum("trajectories"))
        .filter(n__gt=0)
        .order_by()
    )


def completed_per_month(mandates: QuerySet, date_from=None, date_to=None) -> list[tuple]:
    """(first day of the month, completed phases, their fees) of the months with any."""
    rows = CompletedPhaseSummary.objects.filter(mandate__in=mandates.values("pk"))
    rows = in_months(rows, date_from, date_to)
    return list(
        rows.values_list("month")
        .annotate(n=Sum("phases"), owed=Sum("fees"))
        .filter(n__gt=0)
        .order_by()
    )


def overdue_counts(mandates: QuerySet, today: dt.date) -> dict[int, int]:
    """Running phases past their deadline today, per phase: the months before this one, and
    this month's days before today, in one query."""
    month = month_start(today)
    allowed = mandates.values("pk")
    months = RunningPhaseSummary.objects.filter(mandate__in=allowed, month__lt=month)
    days = RunningPhaseDaySummary.objects.filter(
        mandate__in=allowed, deadline__gte=month, deadline__lt=today
    )
    per_phase = [
        rows.values_list("phase").annotate(n=Sum("phases")).order_by() for rows in (months, days)
    ]
    counts: dict[int, int] = {}
    for phase, n in per_phase[0].union(per_phase[1], all=True):
        counts[phase] = counts.get(phase, 0) + n
    return {phase: n for phase, n in counts.items() if n}


def hours_per_mandate(mandates: QuerySet, date_from=None, date_to=None) -> list[dict]:
    """`TrajectoryQuerySet.hours_per_mandate` of the trajectories of these mandates started in
    these months, from the summary per month and mandate: the same dicts, the same values."""
    rows = StartedMonthSummary.objects.filter(mandate__in=mandates.values("pk"), trajectories__gt=0)
    rows = (
        in_months(rows, date_from, date_to)
        .values(
            "mandate",
            project_number=F("mandate__project_number"),
            name=F("mandate__name"),
            promoter_as_written=F("mandate__promoter_as_written"),
        )
        .annotate(
            trajectory_count=Sum("trajectories"),
            completed_count=Sum("completed"),
            hours_total=Sum("hours"),
            counted_figures=Sum("with_figures"),
            completed_hours=Sum("completed_hours"),
            completed_figures=Sum("completed_with_figures"),
        )
        .order_by("mandate__project_number")
    )
    result = []
    for row in rows:
        # A sum over no figures is none (as SUM over no rows is NULL), the total then 0.
        if not row.pop("counted_figures"):
            row["hours_total"] = Decimal("0")
        if not row.pop("completed_figures"):
            row["completed_hours"] = None
        count, hours = row["completed_count"], row["completed_hours"]
        row["hours_per_completed"] = hours / count if count and hours is not None else None
        result.append(row)
    return result
