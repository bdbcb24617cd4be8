"""The counts of started trajectories that trajectory-stats and the dashboard publish.

They are one family of tables: the same trajectories broken down by call, province, phase,
status and phase by status, all adding up to the same total. `StartedCounts` reads them in one
statement and names every cell by what it counts (`doorstroom.disclosure.key`), so that the
tables are protected together and a cell printed in two of them is one cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import F, QuerySet, Value

from doorstroom import sql
from doorstroom.disclosure import Key, Relation, Table, derived, key, protect
from doorstroom.sql import (
    select_sql,
)
from mandates.models import UNKNOWN_PROVINCE, Call, Mandate, MandateProvince, Province
from trajectories.models import Phase, StartedSummary, TrajectoryStatus

UNKNOWN = UNKNOWN_PROVINCE  # a mandate without a province
# The phase breakdown ends in "no phase yet" (None), so it adds up to the total.
PHASES = [*(phase.value for phase in Phase), None]
STATUSES = [status.value for status in TrajectoryStatus]


def trajectory_counts(visible: QuerySet) -> dict[str, list[tuple]]:
    """Breakdown -> [(key, title, count)] of the trajectories in `visible` (or of the rows of
    `StartedSummary`): every call and every province in their own order (the province None: a
    mandate without one), phase, status and [phase, status] where there are any."""
    n = F("trajectories") if visible.model is StartedSummary else Value(1)
    compiled = select_sql(visible.values("mandate_id", "current_phase", "status", n=n))
    select, params = compiled or sql.NOTHING_VISIBLE
    statement = sql.STARTED_COUNTS.format(
        visible=select,
        call=Call._meta.db_table,
        mandate=Mandate._meta.db_table,
        mandate_province=MandateProvince._meta.db_table,
        province=Province._meta.db_table,
    )
    with connections[visible.db].cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    breakdowns = ("call", "province", "phase", "status", "grid")
    counts: dict[str, list[tuple]] = {breakdown: [] for breakdown in breakdowns}
    for breakdown, _position, value, title, count in rows:
        # Django reads jsonb as text (JSONField decodes it itself).
        counts[breakdown].append((None if value is None else json.loads(value), title, count))
    return counts


def period_condition(filters: dict[str, Any]) -> dict[str, str]:
    """The period of `filters` as a condition of the cells counted in it."""
    start, end = filters.get("date_from"), filters.get("date_to")
    if not start and not end:
        return {}
    return {"period": f"{start or ''}/{end or ''}"}


def conditions(population: str, filters: dict[str, Any]) -> dict[str, Any]:
    """What every cell of a table with these filters counts (a call as its number)."""
    base: dict[str, Any] = {"population": population, **period_condition(filters)}
    if filters.get("call"):
        base["call"] = filters["call"].number
    if filters.get("province"):
        base["province"] = filters["province"]
    return base


def cell(base: dict[str, Any], **breakdown: Any) -> Key:
    """The cell of `base` broken down by `breakdown`. A breakdown by a dimension the filters fix
    is the total itself for the filter's value; for another value, a call counts nothing and a
    province counts the trajectories whose mandate is in both."""
    merged = dict(base)
    for dimension, value in breakdown.items():
        if dimension not in base:
            merged[dimension] = value
        elif base[dimension] != value:
            merged[f"{dimension}_too"] = value
    return key(**merged)


@dataclass
class StartedCounts:
    """The started trajectories of an export's filters, counted every way they are published."""

    filters: dict[str, Any]
    counts: dict[str, list[tuple]]

    @classmethod
    def load(cls, started: QuerySet, filters: dict[str, Any]) -> StartedCounts:
        """`started`: the trajectories, or the rows of `StartedSummary` that count them."""
        return cls(filters=filters, counts=trajectory_counts(started))

    @cached_property
    def base(self) -> dict[str, Any]:
        return conditions("started", self.filters)

    @cached_property
    def total(self) -> Key:
        return key(**self.base)

    @cached_property
    def total_count(self) -> int:
        return sum(count for _status, _title, count in self.counts["status"])

    @cached_property
    def calls(self) -> list[tuple[int, str, Key, int]]:
        """(number, title, cell, count) of every call, in the calls' own order."""
        return [(n, title, cell(self.base, call=n), c) for n, title, c in self.counts["call"]]

    @cached_property
    def provinces(self) -> list[tuple[str, Key, int]]:
        """(name, cell, count) of every province and of 'onbekend' (a mandate without one)."""
        per = {name: count for name, _title, count in self.counts["province"]}
        names = [name for name in per if name is not None] + [UNKNOWN]
        counts = {**per, UNKNOWN: per.get(None, 0)}
        return [(name, cell(self.base, province=name), counts[name]) for name in names]

    @cached_property
    def grid(self) -> dict[tuple[str | None, str], int]:
        return {(pair[0], pair[1]): count for pair, _title, count in self.counts["grid"]}

    def phase(self, phase: str | None) -> tuple[Key, int]:
        count = sum(n for (p, _s), n in self.grid.items() if p == phase)
        return cell(self.base, phase=phase), count

    def status(self, status: str) -> tuple[Key, int]:
        count = sum(n for (_p, s), n in self.grid.items() if s == status)
        return cell(self.base, status=status), count

    def pair(self, phase: str | None, status: str) -> tuple[Key, int]:
        return cell(self.base, phase=phase, status=status), self.grid.get((phase, status), 0)

    def stats_table(self) -> Table:
        """trajectory-stats: the total and its four breakdowns."""
        table = Table(cells={self.total: self.total_count})
        calls = {c: n for _number, _title, c, n in self.calls}
        # With a call chosen, the other calls count nothing, as every reader knows: printed,
        # but no part of the breakdown (hiding one would hide nothing).
        table.cells.update(calls)
        table.breakdown(self.total, {c: n for c, n in calls.items() if "call_too" not in dict(c)})
        provinces = {c: n for _name, c, n in self.provinces}
        # A mandate in two provinces counts in both: then the provinces add up to more.
        exact = sum(provinces.values()) == self.total_count
        table.breakdown(self.total, provinces, exact=exact)
        table.breakdown(self.total, dict(self.phase(p) for p in PHASES))
        table.breakdown(self.total, dict(self.status(s) for s in STATUSES))
        return table

    def grid_table(self) -> Table:
        """dashboard-phases: phase by status, with the phase and status totals and the total."""
        table = Table(cells={self.total: self.total_count})
        table.breakdown(self.total, dict(self.phase(p) for p in PHASES))
        table.breakdown(self.total, dict(self.status(s) for s in STATUSES))
        for p in PHASES:
            table.breakdown(self.phase(p)[0], dict(self.pair(p, s) for s in STATUSES))
        for s in STATUSES:
            table.breakdown(self.status(s)[0], dict(self.pair(p, s) for p in PHASES))
        return table

    def tables(self) -> list[Table]:
        """Every table of the family: the dashboard's calls and provinces are the breakdowns of
        trajectory-stats (a call filter leaves one call, which is the total)."""
        return [self.stats_table(), self.grid_table()]


def hours_rows_published(
    rows: list[dict], filters: dict[str, Any], *, exact: bool = False
) -> list[dict]:
    """The hours page's rows (`hours_per_mandate`) as an analyst may see them: per mandate the
    trajectories, of which those completed and (not printed) the others; the hours follow the
    count they were summed over. `exact`: as they are, for the roles that see the records
    themselves (`roles.may_see_internal_figures`)."""
    if exact:
        return [{**row, "order": _order(row)} for row in rows]
    base = {"population": "started", **period_condition(filters)}
    if filters.get("call"):
        base["call"] = filters["call"].number

    def cells(row: dict) -> tuple[Key, Key, Key]:
        mandate = {**base, "mandate": row["project_number"]}
        return key(**mandate), key(**mandate, completed=True), key(**mandate, completed=False)

    table = Table(cells={})
    for row in rows:
        every, completed, others = cells(row)
        table.cells[every] = row["trajectory_count"]
        table.unpublished[others] = row["trajectory_count"] - row["completed_count"]
        table.cells[completed] = row["completed_count"]
        table.relations.append(Relation(every, (completed, others)))
    protection = protect([table])
    published = []
    for row in rows:
        every, completed, _others = cells(row)
        shown = {
            "trajectory_count": protection.shown(every),
            "completed_count": protection.shown(completed),
            "hours_total": derived(protection, every, row["hours_total"]),
            "completed_hours": derived(protection, completed, row["completed_hours"]),
            "hours_per_completed": derived(protection, completed, row["hours_per_completed"]),
        }
        published.append({**row, **shown, "order": _order(shown)})
    return published


HOURS_FIGURES = (
    "trajectory_count",
    "completed_count",
    "hours_total",
    "completed_hours",
    "hours_per_completed",
)


def _order(shown: dict) -> dict:
    """The table sorts by what is shown: a hidden figure before every number, unknown first."""
    return {
        name: -2 if value is None else -1 if isinstance(value, str) else value
        for name, value in ((name, shown[name]) for name in HOURS_FIGURES)
    }
