"""The dashboard's figure sets: registered exports drawn as charts and tables.

Every section is one export (`doorstroom.exports`): the page shows exactly the rows that export
yields for the same filters and user, and links to it. So the figures on screen and in the
downloaded file are the same by construction, not by keeping two queries in step.

A section names the columns it draws by their header (the English text the export writes, its
msgid), never by position: a header renamed or moved in the export either still matches or
stops the page with `DashboardColumnError`, naming the section and the header it expected
(tests/test_doorstroom_dashboard.py holds every section to its export).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from doorstroom.charts import Bar, bar_chart
from doorstroom.disclosure.publishing import notes_for, publish_together
from doorstroom.exports import TOTAL, Cell, Export, get_export

# The export whose filter form is the dashboard's filter form (all filtered sections share it).
FILTER_SOURCE = "dashboard-phases"


class DashboardColumnError(ImproperlyConfigured):
    """A section names a column its export does not have (renamed, or never there)."""


@dataclass(frozen=True)
class SectionSpec:
    export_name: str
    labels: tuple[str, ...]  # headers of the columns joined into the bar's label
    values: tuple[str, ...]  # one bar each (grouped bars when more than one)
    amounts: tuple[str, ...] = ()  # values that are amounts in euro
    filtered: bool = True  # takes the dashboard's filters


SECTIONS = [
    SectionSpec("dashboard-phases", ("Phase",), ("Running", "Completed", "Stopped")),
    SectionSpec("dashboard-calls", ("ESF call", "Title"), ("Number of trajectories",)),
    SectionSpec("dashboard-provinces", ("Province",), ("Number of trajectories",)),
    SectionSpec("dashboard-outcomes", ("ESF call", "Year"), ("Regular job", "No regular job")),
    # Owed and, beside it, paid (payments/exports.py): the fees owed with a column more.
    SectionSpec(
        "dashboard-fees-paid",
        ("Quarter",),
        ("Owed (EUR)", "Paid (EUR)"),
        amounts=("Owed (EUR)", "Paid (EUR)"),
    ),
    SectionSpec("dashboard-overdue", ("Phase",), ("Number of phases past their maximum duration",)),
    SectionSpec(
        "dashboard-pilots", ("Sector", "Service provider"), ("Number of pilots",), filtered=False
    ),
]


def english_header(export: Export) -> list[str]:
    """The export's header as its texts are in the code (English), whatever the user reads."""
    with translation.override("en"):
        return [str(name) for name in export.header()]


def positions(export: Export, names: tuple[str, ...]) -> tuple[int, ...]:
    """Where the columns of these headers are in the export's rows; a header the export does
    not have stops the page, saying which."""
    header = english_header(export)
    missing = [name for name in names if name not in header]
    if missing:
        raise DashboardColumnError(
            f"The dashboard draws the column(s) {', '.join(map(repr, missing))} of the export "
            f"{export.name!r}, whose header is {header}: rename them in "
            "doorstroom/dashboard/sections.py (SECTIONS) with the export's header."
        )
    return tuple(header.index(name) for name in names)


@dataclass
class Section:
    spec: SectionSpec
    export: Export
    header: list[str]
    rows: list[list[Cell]]
    query: str = ""
    cells: list[list[dict]] = field(default_factory=list)
    # Where the spec's columns are in this export's rows (found by their headers).
    label_columns: tuple[int, ...] = ()
    value_columns: tuple[int, ...] = ()
    amount_columns: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return self.export.name

    @property
    def title(self) -> str:
        return str(self.export.title)

    @property
    def description(self) -> str:
        return str(self.export.description)

    def chart_rows(self) -> list[list[Cell]]:
        """The rows without their total line: the page and its exports are in one language."""
        total = str(TOTAL)
        return [row for row in self.rows if row[0] != total]

    @property
    def notes(self) -> list[str]:
        """What the marks in the table mean, in the user's language."""
        return notes_for(self.rows)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or only zeros and unknowns (a "<5" is something)."""
        return all(
            row[i] in (0, None, Decimal("0"))
            for row in self.chart_rows()
            for i in self.value_columns
        )

    @property
    def chart(self) -> SafeString:
        grouped = len(self.value_columns) > 1
        bars = []
        for row in self.chart_rows():
            label = " · ".join(str(row[i]) for i in self.label_columns if row[i] is not None)
            for series, column in enumerate(self.value_columns):
                bars.append(Bar(label if series == 0 else "", row[column], series=series))
        legend = [self.header[i] for i in self.value_columns] if grouped else ()
        return bar_chart(self.title, bars, legend=legend, label_width=230)


def cell_kind(section: Section, column: int, value: Cell) -> str:
    if column in section.amount_columns:
        return "amount"
    if isinstance(value, bool):
        return "bool"
    # Only the figures are numbers; an integer that labels a row (a year, a call) is shown as
    # it is: 2018, not 2.018.
    if column in section.value_columns or isinstance(value, Decimal):
        return "number"
    return "text"


def dashboard_sections(params: dict[str, str], user, cleaned: dict | None = None) -> list[Section]:
    """Every section, computed by its export for these filters and this user; `cleaned` is the
    filter form's data when the caller has validated it (the same form for every section)."""
    # An internal figure (today's overdue phases) is left out for a role that sees only what
    # may be published: seen day after day, it would give away the phases of one day.
    specs = [spec for spec in SECTIONS if get_export(spec.export_name).may_be_downloaded_by(user)]
    exports = []
    for spec in specs:
        export_class = get_export(spec.export_name)
        own = params if spec.filtered else {}
        same_form = export_class.filter_form_class is get_export(FILTER_SOURCE).filter_form_class
        exports.append(
            export_class(own, user=user, cleaned=cleaned if spec.filtered and same_form else None)
        )
    # The view's tables are read together: a hidden count must hold against all of them.
    publish_together(exports)
    sections = []
    for spec, export in zip(specs, exports, strict=True):
        own = params if spec.filtered else {}
        section = Section(
            spec=spec,
            export=export,
            header=[str(name) for name in export.header()],
            rows=[list(row) for row in export.rows()],
            query=urlencode(own),
            label_columns=positions(export, spec.labels),
            value_columns=positions(export, spec.values),
            amount_columns=positions(export, spec.amounts),
        )
        section.cells = [
            [{"value": v, "kind": cell_kind(section, i, v)} for i, v in enumerate(row)]
            for row in section.rows
        ]
        sections.append(section)
    return sections
