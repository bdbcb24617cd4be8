"""The dashboard's trends: the last twelve quarters of a figure set as column charts.

Drawn from the rows the section's export yields (so through disclosure control like the table
below them: a hidden count is a mark, not a column), its columns named by header as the
sections' are (`sections.positions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.charts import Series, column_chart
from doorstroom.dashboard.sections import Section, positions
from trajectories.dates import quarter_of

QUARTERS_SHOWN = 12


@dataclass(frozen=True)
class TrendSpec:
    section: str  # the export (a section of the page) whose rows are one per quarter
    title: str
    values: tuple[str, ...]  # headers of the columns drawn, one series each


TRENDS = [
    TrendSpec(
        "dashboard-fees-paid", _("Fees owed and paid per quarter"), ("Owed (EUR)", "Paid (EUR)")
    ),
    TrendSpec(
        "dashboard-fees-paid", _("Phases completed per quarter"), ("Number of completed phases",)
    ),
]


@dataclass
class Trend:
    title: str
    section: str
    chart: SafeString
    first: str
    last: str


def quarters_until(last: tuple[int, int], count: int = QUARTERS_SHOWN) -> list[tuple[int, int]]:
    """`count` quarters ending with `last`, oldest first."""
    year, quarter = last
    index = year * 4 + quarter - 1
    return [(i // 4, i % 4 + 1) for i in range(index - count + 1, index + 1)]


def quarter_label(quarter: tuple[int, int]) -> str:
    return gettext("%(year)s Q%(quarter)s") % {"year": quarter[0], "quarter": quarter[1]}


def dashboard_trends(sections: dict[str, Section], date_to: dt.date | None = None) -> list[Trend]:
    """The trends whose section the user sees, up to this quarter (or the period's last)."""
    today = timezone.localdate()
    window = quarters_until(quarter_of(min(today, date_to) if date_to else today))
    trends = []
    for spec in TRENDS:
        section = sections.get(spec.section)
        if section is None:
            continue
        columns = positions(section.export, spec.values)
        # A quarter without completed phases has no row: it counts zero.
        per_quarter = dict(zip(section.export.quarter_keys(), section.rows, strict=False))
        series = [
            Series(
                section.header[column],
                [per_quarter[q][column] if q in per_quarter else 0 for q in window],
            )
            for column in columns
        ]
        categories = [(gettext("Q%(quarter)s") % {"quarter": q}, str(y)) for y, q in window]
        trends.append(
            Trend(
                title=str(spec.title),
                section=spec.section,
                chart=column_chart(str(spec.title), categories, series),
                first=quarter_label(window[0]),
                last=quarter_label(window[-1]),
            )
        )
    return trends
