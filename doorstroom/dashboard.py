"""The dashboard: the landing page, made of registered exports drawn as charts and tables.

Every section is one export (`doorstroom.exports`): the page shows exactly the rows that export
yields for the same filters and user, and links to it. So the figures on screen and in the
downloaded file are the same by construction, not by keeping two queries in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from doorstroom.charts import Bar, bar_chart
from doorstroom.disclosure.publishing import notes_for, publish_together
from doorstroom.exports import TOTAL, Cell, Export, get_export

# The export whose filter form is the dashboard's filter form (all filtered sections share it).
FILTER_SOURCE = "dashboard-phases"


@dataclass(frozen=True)
class SectionSpec:
    export_name: str
    label_columns: tuple[int, ...]  # joined into the bar's label
    value_columns: tuple[int, ...]  # one bar each (grouped bars when more than one)
    amount_columns: tuple[int, ...] = ()
    filtered: bool = True  # takes the dashboard's filters


SECTIONS = [
    SectionSpec("dashboard-phases", (0,), (1, 2, 3)),
    SectionSpec("dashboard-calls", (0, 1), (2,)),
    SectionSpec("dashboard-provinces", (0,), (1,)),
    SectionSpec("dashboard-outcomes", (0, 1), (2, 3)),
    # Owed and, beside it, paid (payments/exports.py): the fees owed with a column more.
    SectionSpec("dashboard-fees-paid", (0,), (2, 3), amount_columns=(2, 3)),
    SectionSpec("dashboard-overdue", (0,), (1,)),
    SectionSpec("dashboard-pilots", (0, 1), (2,), filtered=False),
]


@dataclass
class Section:
    spec: SectionSpec
    export: Export
    header: list[str]
    rows: list[list[Cell]]
    query: str = ""
    cells: list[list[dict]] = field(default_factory=list)

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
            for i in self.spec.value_columns
        )

    @property
    def chart(self) -> SafeString:
        grouped = len(self.spec.value_columns) > 1
        bars = []
        for row in self.chart_rows():
            label = " · ".join(str(row[i]) for i in self.spec.label_columns if row[i] is not None)
            for series, column in enumerate(self.spec.value_columns):
                bars.append(Bar(label if series == 0 else "", row[column], series=series))
        legend = [self.header[i] for i in self.spec.value_columns] if grouped else ()
        return bar_chart(self.title, bars, legend=legend, label_width=230)


def cell_kind(spec: SectionSpec, column: int, value: Cell) -> str:
    if column in spec.amount_columns:
        return "amount"
    if isinstance(value, bool):
        return "bool"
    # Only the figures are numbers; an integer that labels a row (a year, a call) is shown as
    # it is: 2018, not 2.018.
    if column in spec.value_columns or isinstance(value, Decimal):
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
        )
        section.cells = [
            [{"value": v, "kind": cell_kind(spec, i, v)} for i, v in enumerate(row)]
            for row in section.rows
        ]
        sections.append(section)
    return sections


def dashboard_page(request: HttpRequest) -> HttpResponse:
    form_class = get_export(FILTER_SOURCE).filter_form_class
    form = form_class(request.GET or None)
    params = {
        name: request.GET[name] for name in form_class.base_fields if request.GET.get(name, "")
    }
    invalid = form.is_bound and not form.is_valid()
    cleaned = form.cleaned_data if form.is_bound else None
    sections = [] if invalid else dashboard_sections(params, request.user, cleaned)
    return render(
        request,
        "doorstroom/dashboard.html",
        {"form": form, "sections": sections, "filtered": bool(params)},
        status=400 if invalid else 200,
    )
