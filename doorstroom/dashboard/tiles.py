"""The figures at the top of the dashboard, each a link to the listing that shows it.

A tile's number is counted by that listing's own filters (its FilterSet, on the rows the user
may see) with the very parameters its link carries, so the listing opened from the tile shows
the same number. A role that sees only what may be published (the analyst, who opens no
listing of records) gets the published figure instead, from the section of the page that
carries it (disclosure control as in its table), or no tile where the figure is internal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from doorstroom import hooks, roles
from doorstroom.dashboard.sections import Section, positions
from doorstroom.exports import Cell
from questions.filters import QuestionFilter
from questions.models import ParliamentaryQuestion
from trajectories.dates import quarter_of
from trajectories.filters import DeadlineFilter
from trajectories.models import NEAR_DEADLINE_DAYS, PhaseRecord, TrajectoryStatus


@dataclass
class Tile:
    key: str
    label: str
    value: Cell
    url: str
    note: str = ""
    amount: bool = False


def link(name: str, params: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse(name) + (f"?{query}" if query else "")


def filtered_count(filterset_class, params: dict[str, str], queryset, user) -> int:
    """The number of rows the listing of `filterset_class` shows for these parameters."""
    filterset = filterset_class(data=params, queryset=queryset, request=SimpleNamespace(user=user))
    return filterset.qs.count() if filterset.is_valid() else 0


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    year, quarter = quarter_of(day)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


def column(section: Section, header: str, row: list[Cell]) -> Cell:
    return row[positions(section.export, (header,))[0]]


def running_tile(section: Section, params: dict[str, str], internal: bool) -> Tile:
    """Running trajectories started in the period (of the call and province): the funnel's
    total of its "Running" column, which counted them already."""
    counts = section.export.started_counts()
    key, exact = counts.status(TrajectoryStatus.RUNNING.value)
    label = _("Running trajectories")
    if not internal:
        return Tile("running", label, section.export.protection.shown(key), f"#{section.name}")
    listing = {
        "status": TrajectoryStatus.RUNNING.value,
        "call": params.get("call", ""),
        "province": params.get("province", ""),
        "started_from": params.get("date_from", ""),
        "started_to": params.get("date_to", ""),
    }
    return Tile("running", label, exact, link("trajectories:list", listing))


def deadline_tile(user, params: dict[str, str]) -> Tile:
    """Running phases past or within NEAR_DEADLINE_DAYS days of their maximum duration, of the
    call and province (the period plays no part: this is today's work)."""
    listing = {"call": params.get("call", ""), "province": params.get("province", "")}
    today = timezone.localdate()
    phases = PhaseRecord.objects.near_or_past_deadline(today).visible_to(user)
    filterset = DeadlineFilter(data=listing, queryset=phases, request=SimpleNamespace(user=user))
    shown = filterset.qs if filterset.is_valid() else phases.none()
    # What the listing shows, and of those what it shows with "Only past the maximum" ticked.
    near, past = shown.count(), shown.overdue(today).count()
    return Tile(
        "deadlines",
        _("Phases past or near their maximum duration"),
        near,
        link("trajectories:deadlines", listing),
        note=_("%(past)s past it, the others within %(days)s days")
        % {"past": past, "days": NEAR_DEADLINE_DAYS},
    )


def fees_tile(user, params: dict[str, str], section: Section | None, internal: bool) -> Tile | None:
    """What the phases completed this quarter earn their providers (of the call and
    province): the ledger's sum, or for the analyst the published figure of the fees section."""
    label = _("Fees owed this quarter")
    today = timezone.localdate()
    if not internal:
        if section is None:
            return None
        rows = dict(zip(section.export.quarter_keys(), section.rows, strict=False))
        row = rows.get(quarter_of(today))
        value = column(section, "Owed (EUR)", row) if row else Decimal("0.00")
        return Tile("fees", label, value, f"#{section.name}", amount=True)
    first, last = quarter_bounds(today)
    listing = {
        "call": params.get("call", ""),
        "province": params.get("province", ""),
        "date_from": first.strftime("%d/%m/%Y"),
        "date_to": last.strftime("%d/%m/%Y"),
        "per": "period",
    }
    answers = hooks.DASHBOARD_OWED.ask(user=user, listing=listing)
    if not answers:
        return None
    owed, url = answers[0]
    return Tile("fees", label, owed, url, amount=True)


def questions_tile(user) -> Tile:
    listing = {"due": "true"}
    count = filtered_count(QuestionFilter, listing, ParliamentaryQuestion.objects.all(), user)
    return Tile(
        "questions",
        _("Parliamentary questions due within 14 days"),
        count,
        link("questions:list", listing),
    )


def headline_tiles(user, params: dict[str, str], sections: dict[str, Section]) -> list[Tile]:
    """The tiles this user may see, for the dashboard's filters (`params`, as in the URL)."""
    internal = roles.may_see_internal_figures(user)
    tiles = []
    if "dashboard-phases" in sections:
        tiles.append(running_tile(sections["dashboard-phases"], params, internal))
    if internal:
        tiles.append(deadline_tile(user, params))
    fees = fees_tile(user, params, sections.get("dashboard-fees-paid"), internal)
    if fees is not None:
        tiles.append(fees)
    if roles.sees_everything(user):
        tiles.append(questions_tile(user))
    return tiles
