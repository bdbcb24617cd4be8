"""Exports of the trajectories app: the fee table, statistics, provider statements, the listing.

Only `trajectories` (the listing, for staff) carries the worker's pseudonymous reference; the
others are aggregates and carry no one's data at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django import forms
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure import PROTECTED, Table, derived, key
from doorstroom.disclosure.periods import FROM_HELP, TO_HELP, check_whole_months
from doorstroom.disclosure.publishing import ProtectedExport
from doorstroom.exports import (
    Cell,
    Dialect,
    Export,
    ExportError,
    register,
    select_sql,
    sql_boolean,
    sql_choice,
    sql_date,
    sql_number,
    sql_text,
)
from doorstroom.filters import ALL_LABEL
from doorstroom.forms import BelgianDateField
from doorstroom.hooks import PROVIDER_STATEMENT_PAID
from doorstroom.pagination import is_unfiltered
from mandates.models import Call, Mandate, Province
from trajectories.filters import TrajectoryFilter
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    FeeSchedule,
    JobOutcome,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
)
from trajectories.statistics import PHASES, UNKNOWN, StartedCounts, cell, conditions


def dutch(label) -> str:
    """A choice label as the Dutch reader of an export sees it, whatever the user's language."""
    with translation.override("nl-be"):
        return str(label)


def dutch_labels(choices) -> dict:
    """Stored value -> Dutch label, for every member of a choices enum."""
    return {member.value: dutch(member.label) for member in choices}


def month_label(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None


# --- fees ---------------------------------------------------------------------------------------


class FeesFilterForm(forms.Form):
    date = BelgianDateField(
        required=False,
        label=_("Date"),
        help_text=_("Also shows the amounts indexed on this date and the index used."),
    )


@register
class FeesExport(Export):
    name = "fees"
    title = _("Fees per phase")
    description = _(
        "The fee per phase and the maximum duration (answer 1c): Voortraject, Job matching, "
        "Stage, Nazorg and the total (cap per trajectory). With a date, also the indexed amounts "
        "of the schedule then in force and the health index used for them."
    )
    filter_form_class = FeesFilterForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on: dt.date | None = self.filters.get("date")
        on = self.on or timezone.localdate()
        self.schedule = (
            FeeSchedule.objects.in_force(on)
            .prefetch_related("phases")
            .order_by("valid_from")
            .first()
        )
        if self.schedule is None:
            raise ExportError(f"Op {on:%d/%m/%Y} geldt geen vergoedingsregeling.")
        self.index = HealthIndex.load() if self.on else None
        if self.on:
            try:
                self.indexed_cap = self.index.indexed(
                    schedule=self.schedule, base_amount=self.schedule.cap_amount, on=self.on
                )
            except MissingIndexError as error:
                raise ExportError(str(error)) from error

    def header(self) -> Sequence[str]:
        header = ["Fase", "Maximale duur (maanden)", "Vergoeding (EUR)"]
        if self.on:
            header += [
                f"Geïndexeerde vergoeding op {self.on:%d/%m/%Y} (EUR)",
                "Indexmaand",
                "Gezondheidsindex indexmaand",
                "Basismaand",
                "Gezondheidsindex basismaand",
            ]
        return header

    def rows(self) -> Iterator[Sequence[Cell]]:
        for row in self.schedule.phases.all():
            line: list[Cell] = [dutch(Phase(row.phase).label), row.max_months, row.base_amount]
            if self.on:
                indexed = self.index.indexed(
                    schedule=self.schedule, base_amount=row.base_amount, on=self.on
                )
                line += self._index_cells(indexed)
            yield line
        total: list[Cell] = ["Totaal", None, self.schedule.cap_amount]
        if self.on:
            total += self._index_cells(self.indexed_cap)
        yield total

    @staticmethod
    def _index_cells(indexed) -> list[Cell]:
        return [
            indexed.amount,
            month_label(indexed.reference_month),
            indexed.index_value,
            month_label(indexed.base_month),
            indexed.base_index_value,
        ]


# --- statistics for parliament ------------------------------------------------------------------


def province_choices() -> list[tuple[str, str]]:
    names = list(Province.objects.values_list("name", flat=True))
    return [("", ALL_LABEL), *((name, name) for name in names), (UNKNOWN, UNKNOWN)]


class PeriodFilterForm(forms.Form):
    date_from = BelgianDateField(
        required=False,
        label=_("Started from"),
        help_text=FROM_HELP,
    )
    date_to = BelgianDateField(
        required=False,
        label=_("Started until"),
        help_text=TO_HELP,
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="number",
        required=False,
        label=_("ESF call"),
        help_text=_("Call number, e.g. 380."),
    )
    province = forms.ChoiceField(
        label=_("Province"),
        choices=province_choices,
        required=False,
        help_text=_("Province of the mandate, or 'onbekend'."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        check_whole_months(cleaned)
        return cleaned


class TrajectoryCountExport(ProtectedExport, Export):
    """Counts of the trajectories the user may see, of a call and province, in a period."""

    counts_workers = True

    def trajectories(self) -> QuerySet:
        """Visible trajectories of the chosen call and province (the period is each set's own)."""
        return self.restricted(Trajectory.objects.all())

    def phases(self) -> QuerySet:
        """The phases of those trajectories, restricted through the relation (as
        `PhaseRecord.visible_to` is), not with `trajectory IN (visible trajectories)`, which
        makes PostgreSQL hash every trajectory (3.3 s instead of 1.6 for the fees per quarter at
        a million)."""
        return self.restricted(PhaseRecord.objects.all(), to_trajectory="trajectory__")

    def restricted(self, queryset: QuerySet, to_trajectory: str = "") -> QuerySet:
        """`queryset` limited to what the user may see and to the chosen call and province;
        `to_trajectory` is the path from its rows to their trajectory."""
        queryset = self.scoped(queryset)
        mandate = f"{to_trajectory}mandate"
        if self.filters.get("call"):
            queryset = queryset.filter(**{f"{mandate}__call": self.filters["call"]})
        province = self.filters.get("province")
        # Subqueries, so a mandate in two provinces never counts a trajectory twice.
        if province == UNKNOWN:
            mandates = Mandate.objects.filter(provinces__isnull=True)
            queryset = queryset.filter(**{f"{mandate}__in": mandates.values("pk")})
        elif province:
            mandates = Mandate.objects.filter(provinces__name=province)
            queryset = queryset.filter(**{f"{mandate}__in": mandates.values("pk")})
        return queryset.order_by()

    def in_period(self, queryset: QuerySet, field: str) -> QuerySet:
        if self.filters.get("date_from"):
            queryset = queryset.filter(**{f"{field}__gte": self.filters["date_from"]})
        if self.filters.get("date_to"):
            queryset = queryset.filter(**{f"{field}__lte": self.filters["date_to"]})
        return queryset

    def started(self) -> QuerySet:
        return self.in_period(self.trajectories(), "start_date")

    def started_counts(self) -> StartedCounts:
        """The family of started trajectories for these filters, read once for all its tables."""
        base = conditions("started", self.filters)
        return self.computed(
            ("started", key(**base)), lambda: StartedCounts.load(self.started(), self.filters)
        )

    def started_tables(self) -> list[Table]:
        return self.started_counts().tables()


@register
class TrajectoryStatsExport(TrajectoryCountExport):
    name = "trajectory-stats"
    title = _("Trajectories: counts")
    description = _(
        "Number of trajectories started in a period, per ESF call, province of the mandate, last "
        "phase reached and status. A mandate in two provinces counts in both. Counts of 1 to 4 "
        "are shown as <5; no personal data."
    )
    filter_form_class = PeriodFilterForm

    def header(self) -> Sequence[str]:
        return ["Indeling", "Waarde", "Aantal trajecten"]

    def disclosure_tables(self) -> list[Table]:
        return self.started_tables()

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        for number, title, call, _count in started.calls:
            yield ["ESF-oproep", f"{number} {title}", shown(call)]
        for name, province, _count in started.provinces:
            yield ["Provincie", name, shown(province)]
        for phase in PHASES:
            label = dutch(Phase(phase).label) if phase else "nog geen fase gestart"
            yield ["Fase", label, shown(started.phase(phase)[0])]
        for status in TrajectoryStatus:
            yield ["Status", dutch(status.label), shown(started.status(status.value)[0])]
        yield ["Totaal", "alle trajecten", shown(started.total)]


# --- what is owed -------------------------------------------------------------------------------


class StatementFilterForm(forms.Form):
    date_from = BelgianDateField(
        required=False,
        label=_("Completed from"),
        help_text=_("Phases completed on or after this day."),
    )
    date_to = BelgianDateField(
        required=False,
        label=_("Completed until"),
        help_text=_("Phases completed on or before this day."),
    )
    mandate = forms.ModelChoiceField(
        queryset=Mandate.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="project_number",
        required=False,
        label=_("Mandate"),
        help_text=_("Project number of the mandate (the provider), e.g. 6441."),
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="number",
        required=False,
        label=_("ESF call"),
        help_text=_("Call number, e.g. 380."),
    )


@register
class ProviderStatementExport(Export):
    name = "provider-statement"
    title = _("Fees owed per provider")
    description = _(
        "Per mandate (mandated provider) and period of completion: the completed phases, their "
        "number and fee, the health index used, what was paid for them, a total per mandate and "
        "a grand total. Only counts and amounts, no personal data."
    )
    filter_form_class = StatementFilterForm
    # A payment statement needs exact counts and amounts: for staff, not for publication.
    publishable = False

    def header(self) -> Sequence[str]:
        return [
            "Projectnummer",
            "Projectnaam",
            "Promotor",
            "Oproep",
            "Fase",
            "Indexmaand",
            "Gezondheidsindex",
            "Basisindex",
            "Aantal afgeronde fasen",
            "Vergoeding (EUR)",
            "Betaald (EUR)",
        ]

    def get_phases(self) -> QuerySet:
        phases = self.scoped(PhaseRecord.objects.completed())
        if self.filters.get("date_from"):
            phases = phases.filter(end_date__gte=self.filters["date_from"])
        if self.filters.get("date_to"):
            phases = phases.filter(end_date__lte=self.filters["date_to"])
        if self.filters.get("mandate"):
            phases = phases.filter(trajectory__mandate=self.filters["mandate"])
        if self.filters.get("call"):
            phases = phases.filter(trajectory__mandate__call=self.filters["call"])
        return phases

    # A line per mandate, phase and index used; the first four columns describe the mandate.
    GROUPS = (
        "trajectory__mandate__project_number",
        "trajectory__mandate__name",
        "trajectory__mandate__promoter_as_written",
        "trajectory__mandate__call__number",
        "phase",
        "index_reference_month",
        "index_value",
        "index_base_value",
    )
    ORDER = (
        "trajectory__mandate__project_number",
        "phase",
        "index_reference_month",
        "index_value",
        "index_base_value",
    )

    def groups(self) -> QuerySet:
        return (
            self.get_phases()
            .values(*self.GROUPS)
            .annotate(n=Count("id"), total=Sum("fee_amount"))
            .order_by(*self.ORDER)
        )

    def paid_groups(self) -> list[QuerySet]:
        """What was paid per line, from the app that records payments (doorstroom.hooks):
        tuples of (project number, phase, index month, index, base index, amount paid)."""
        return PROVIDER_STATEMENT_PAID.ask(filters=self.filters, user=self.user)

    def rows(self) -> Iterator[Sequence[Cell]]:
        groups = self.groups()
        phase_names = dutch_labels(Phase)
        paid: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for found in self.paid_groups():
            for *line, amount in found:
                paid[tuple(line)] += amount
        zeros = [0, Decimal("0.00"), Decimal("0.00")]
        per_mandate: dict[int, list[Decimal | int]] = defaultdict(lambda: list(zeros))
        grand = list(zeros)
        previous = None
        for row in groups:
            number = row["trajectory__mandate__project_number"]
            if previous is not None and number != previous[0]:
                yield self._subtotal(previous, per_mandate[previous[0]])
            previous = (
                number,
                row["trajectory__mandate__name"],
                row["trajectory__mandate__promoter_as_written"],
                row["trajectory__mandate__call__number"],
            )
            line = (number, *(row[name] for name in self.ORDER[1:]))
            yield [
                *previous,
                phase_names[row["phase"]],
                month_label(row["index_reference_month"]),
                row["index_value"],
                row["index_base_value"],
                row["n"],
                row["total"],
                paid[line],
            ]
            for totals in (per_mandate[number], grand):
                totals[0] += row["n"]
                totals[1] += row["total"]
                totals[2] += paid[line]
        if previous is not None:
            yield self._subtotal(previous, per_mandate[previous[0]])
        yield [None, "Totaal alle mandaten", None, None, None, None, None, None, *grand]

    @staticmethod
    def _subtotal(mandate: tuple, totals: list) -> list[Cell]:
        return [*mandate, "Totaal", None, None, None, *totals]

    def copy_sql(self, dialect: Dialect) -> tuple[str, list] | None:
        """The same lines as `rows`, with the subtotals and the grand total, formatted in SQL
        for PostgreSQL's COPY: a statement of many lines streams without a pass through Python
        per cell."""
        compiled = select_sql(self.groups().order_by())
        if compiled is None:  # a user without a scope: the Python path writes the empty total
            return None
        inner, inner_params = compiled
        paid, paid_params = self.paid_sql()
        params: list = []
        phase = sql_choice("g.phase", dutch_labels(Phase), params)
        mandate = "g.number, g.name, g.promoter, g.call"
        kinds = ["number", "text", "text", "number", "text", "text", "number", "number"]
        kinds += ["number", "number", "number"]
        cells = [
            sql_number(f"v{i}", dialect) if kind == "number" else sql_text(f"v{i}")
            for i, kind in enumerate(kinds)
        ]
        # part 0: the grouped lines, 1: a mandate's total after its lines, 2: the grand total.
        # g0: the grouped lines; p: what was paid per line (paid_sql); g: the two side by side.
        select = (
            "WITH g0 (number, name, promoter, call, phase, month, index, base, n, total) AS "
            f"({inner}), p (number, phase, month, index, base, paid) AS ({paid}), "
            "g AS (SELECT g0.*, coalesce(p.paid, 0.00) AS paid FROM g0 "
            "LEFT JOIN p USING (number, phase, month, index, base)) "
            f"SELECT {', '.join(cells)} FROM ("
            f"SELECT {mandate}, {phase}, to_char(g.month, 'YYYY-MM'), g.index, g.base, "
            "g.n::numeric, g.total, g.paid, 0, g.phase, g.month FROM g "
            f"UNION ALL SELECT {mandate}, 'Totaal', NULL, NULL, NULL, sum(g.n), sum(g.total), "
            f"sum(g.paid), 1, NULL, NULL FROM g GROUP BY {mandate} "
            "UNION ALL SELECT NULL, 'Totaal alle mandaten', NULL, NULL, NULL, NULL, NULL, NULL, "
            "coalesce(sum(g.n), 0), coalesce(sum(g.total), 0.00), coalesce(sum(g.paid), 0.00), "
            "2, NULL, NULL FROM g"
            ") AS lines (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, part, phase, month) "
            # Qualified: a bare v0 would be the text cell of the same name, sorted as text.
            "ORDER BY lines.part = 2, lines.v0, lines.part, lines.phase, lines.month, lines.v6, "
            "lines.v7"
        )
        # In the statement's order: the grouped query's filters, the paid ones, the phase labels.
        return select, [*inner_params, *paid_params, *params]

    def paid_sql(self) -> tuple[str, list]:
        """The paid amounts of `paid_groups` as one relation, summed per line of the statement
        (none when no app records payments)."""
        parts, params = [], []
        for found in self.paid_groups():
            compiled = select_sql(found)
            if compiled is not None:
                parts.append(compiled[0])
                params += compiled[1]
        if not parts:
            return "SELECT NULL::integer, NULL::integer, NULL::date, NULL::numeric, " + (
                "NULL::numeric, NULL::numeric WHERE false"
            ), []
        union = " UNION ALL ".join(f"({part})" for part in parts)
        return (
            "SELECT number, phase, month, index, base, sum(paid) FROM "
            f"({union}) AS x (number, phase, month, index, base, paid) GROUP BY 1, 2, 3, 4, 5"
        ), params


# --- the listing --------------------------------------------------------------------------------


# Columns of the listing export computed from a trajectory's phases (the LATERAL of copy_sql).
PHASE_FIGURES = ("is_overdue", "hours_total", "fees_total")


@register
class TrajectoriesExport(Export):
    name = "trajectories"
    title = _("Trajectories")
    description = _(
        "The list of trajectories with the same filters as the Trajectories page: the worker's "
        "reference (a pseudonym, never a name or national register number), mandate, employers, "
        "dates, phase, status, hours and fees, in the order the trajectories were registered. For"
        " internal use only."
    )
    filterset_class = TrajectoryFilter
    contains_personal_data = True

    def get_queryset(self) -> QuerySet:
        # In the order of registration (the key): PostgreSQL streams that order from its
        # indexes, where the listing's newest-first order would sort every row before the
        # first one could be sent.
        return self.scoped(Trajectory.objects.for_listing(timezone.localdate())).order_by("pk")

    def header(self) -> Sequence[str]:
        return [
            "Referentie werknemer",
            "Oproep",
            "Projectnummer",
            "Projectnaam",
            "Werkgever sociale economie",
            "Gastwerkgever stage",
            "Startdatum",
            "Einddatum",
            "Status",
            "Huidige fase",
            "Maximale duur overschreden",
            "Uren",
            "Vergoeding (EUR)",
            "Doorstroom naar reguliere job",
            "Demo",
        ]

    # The columns of a row, in the header's order; both the Python and the COPY path read them.
    columns = (
        "worker__reference",
        "mandate__call__number",
        "mandate__project_number",
        "mandate__name",
        "origin_employer__name",
        "host_employer__name",
        "start_date",
        "end_date",
        "status",
        "current_phase",
        "is_overdue",
        "hours_total",
        "fees_total",
        "outcome",
        "is_demo",
    )

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        phase_names, statuses = dutch_labels(Phase), dutch_labels(TrajectoryStatus)
        # Plain tuples rather than model instances: half the time on a million rows.
        rows = queryset.values_list(*self.columns)
        for row in rows.iterator(chunk_size=5000):
            yield (*row[:8], statuses[row[8]], phase_names.get(row[9]), *row[10:])

    def copy_sql(self, dialect: Dialect) -> tuple[str, list] | None:
        """The same rows as `rows_for`, the cells formatted in SQL for PostgreSQL's COPY.

        The per-trajectory phase figures do not come from the listing's subqueries per row
        (three index probes into the phases per trajectory, most of a full export's time): a
        full export aggregates all phases in key order and merges them with the trajectories
        as both are read, so rows flow from the first second; a filtered one looks up only its
        own trajectories' phases in one LATERAL aggregate each.
        """
        assert self.queryset is not None
        queryset = self.queryset
        plain = [c for c in self.columns if c not in PHASE_FIGURES]
        compiled = select_sql(queryset.order_by().values_list(*plain, "pk"))
        if compiled is None:  # a user without a scope: the Python path writes the header
            return None
        inner, inner_params = compiled
        # The inner query's columns are c0, c1, ...; the phase figures keep their names.
        names = {column: f"c{i}" for i, column in enumerate(plain)}
        names.update({figure: figure for figure in PHASE_FIGURES})
        params: list = []
        # First the stored values become labels, then every column becomes its CSV cell.
        labelled = dict(names)
        labelled["status"] = sql_choice(names["status"], dutch_labels(TrajectoryStatus), params)
        labelled["current_phase"] = sql_choice(names["current_phase"], dutch_labels(Phase), params)
        cell_sql = {
            "number": lambda cell: sql_number(cell, dialect),
            "date": sql_date,
            "boolean": sql_boolean,
        }
        kinds = {
            "mandate__call__number": "number",
            "mandate__project_number": "number",
            "hours_total": "number",
            "fees_total": "number",
            "start_date": "date",
            "end_date": "date",
            "is_overdue": "boolean",
            "is_demo": "boolean",
        }
        cells = [
            cell_sql.get(kinds.get(column), sql_text)(f"v{number}")
            for number, column in enumerate(self.columns)
        ]
        figures = (
            "sum(p.fee_amount) AS fees_total, "
            "coalesce(sum(p.hours), 0) AS hours_total, "
            "coalesce(bool_or(p.end_date IS NULL AND p.deadline < %s), false) AS is_overdue"
        )
        if is_unfiltered(queryset):
            phases = (
                f"LEFT JOIN (SELECT p.trajectory_id, {figures} FROM trajectories_phaserecord p "
                "GROUP BY p.trajectory_id ORDER BY p.trajectory_id) AS phases "
                "ON phases.trajectory_id = t.id"
            )
        else:
            phases = (
                f"LEFT JOIN LATERAL (SELECT {figures} FROM trajectories_phaserecord p "
                "WHERE p.trajectory_id = t.id) AS phases ON true"
            )
        inner_names = ", ".join([*(names[c] for c in plain), "id"])
        values = ", ".join(f"v{i}" for i in range(len(self.columns)))
        labels = ", ".join(labelled[column] for column in self.columns)
        select = (
            f"SELECT {', '.join(cells)} FROM ("
            f"SELECT {labels} FROM ({inner}) AS t ({inner_names}) "
            f"{phases} ORDER BY t.id) AS labelled ({values})"
        )
        # In the statement's order: the labels, the filters, then today for "overdue".
        return select, [*params, *inner_params, timezone.localdate()]


# --- the dashboard's figures --------------------------------------------------------------------
# Each figure set on the dashboard IS one of these exports: the page shows the rows they yield,
# so what staff see and what they download cannot drift apart. All are aggregates, scoped by
# the user (`visible_to`), and every count of workers goes through disclosure control.


class DashboardFilterForm(forms.Form):
    date_from = BelgianDateField(
        label=_("From"),
        required=False,
        help_text=FROM_HELP,
    )
    date_to = BelgianDateField(
        label=_("Until"),
        required=False,
        help_text=TO_HELP,
    )
    call = forms.ModelChoiceField(
        label=_("ESF call"),
        queryset=Call.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=ALL_LABEL,
        help_text=_("Call number, e.g. 380."),
    )
    province = forms.ChoiceField(
        label=_("Province"),
        choices=province_choices,
        required=False,
        help_text=_("Province of the mandate, or 'onbekend'."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        # Published: whole months only, or two views a day apart would give that day away.
        check_whole_months(cleaned)
        return cleaned


class DashboardExport(TrajectoryCountExport):
    """A dashboard figure set: the dashboard's filters, scoped by the user."""

    filter_form_class = DashboardFilterForm


STATUSES = list(TrajectoryStatus)


class StartedExport(DashboardExport):
    """A dashboard table of the trajectories started in the period: protected with the others
    of the same filters (and with trajectory-stats), which break down the same total."""

    def disclosure_tables(self) -> list[Table]:
        return self.started_tables()


@register
class PhaseFunnelExport(StartedExport):
    name = "dashboard-phases"
    title = _("Trajectories per phase and status")
    description = _(
        "Trajectories started in the period, per last phase reached and status (the funnel), with"
        " totals. Counts of 1 to 4 are shown as <5; x is a figure hidden so that no <5 can be"
        " worked out from the others."
    )

    def header(self) -> Sequence[str]:
        return ["Fase", *(dutch(s.label).capitalize() for s in STATUSES), "Totaal"]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        for phase in PHASES:
            label = dutch(Phase(phase).label) if phase else "nog geen fase gestart"
            cells = [shown(started.pair(phase, s.value)[0]) for s in STATUSES]
            yield [label, *cells, shown(started.phase(phase)[0])]
        yield [
            "Totaal",
            *(shown(started.status(s.value)[0]) for s in STATUSES),
            shown(started.total),
        ]


@register
class TrajectoriesPerCallExport(StartedExport):
    name = "dashboard-calls"
    title = _("Trajectories per ESF call")
    description = _(
        "Trajectories started in the period, per ESF call, with the total (<5 for 1-4)."
    )

    def header(self) -> Sequence[str]:
        return ["ESF-oproep", "Titel", "Aantal trajecten"]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        chosen = self.filters.get("call")
        for number, title, call, _count in sorted(started.calls):
            if chosen is None or chosen.number == number:
                yield [number, title, shown(call)]
        yield ["Totaal", None, shown(started.total)]


@register
class TrajectoriesPerProvinceExport(StartedExport):
    name = "dashboard-provinces"
    title = _("Trajectories per province")
    description = _(
        "Trajectories started in the period, per province of the mandate. A mandate in two "
        "provinces counts in both, so there is no total (<5 for 1-4)."
    )

    def header(self) -> Sequence[str]:
        return ["Provincie", "Aantal trajecten"]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        chosen = self.filters.get("province")
        for name, province, _count in started.provinces:
            if not chosen or chosen == name:
                yield [name, shown(province)]


OUTCOMES = [JobOutcome.REGULAR_JOB, JobOutcome.NO_JOB, JobOutcome.UNKNOWN]


@register
class OutcomesExport(DashboardExport):
    name = "dashboard-outcomes"
    title = _("Outcome per ESF call and year")
    description = _(
        "Trajectories ended (completed or stopped) with an end date in the period, per ESF call "
        "and year of ending: moved on to a regular job or not (<5 for 1-4)."
    )

    def header(self) -> Sequence[str]:
        return ["ESF-oproep", "Jaar", *(dutch(o.label).capitalize() for o in OUTCOMES), "Totaal"]

    def counts(self) -> dict[tuple[int, int], dict[str, int]]:
        ended = self.in_period(
            self.trajectories().exclude(status=TrajectoryStatus.RUNNING), "end_date"
        )
        counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
        for row in (
            ended.values("outcome", call=F("mandate__call__number"), year=ExtractYear("end_date"))
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[row["call"], row["year"]][row["outcome"]] = row["n"]
        return dict(sorted(counts.items()))

    def line(self, call: int, year: int, outcome: str | None = None):
        base = conditions("ended", self.filters)
        if outcome is None:
            return cell(base, call=call, year=year)
        return cell(base, call=call, year=year, outcome=outcome)

    def disclosure_tables(self) -> list[Table]:
        counts = self.computed(("ended", self.line(0, 0)), self.counts)
        table = Table(cells={})
        for (call, year), per in counts.items():
            table.cells[self.line(call, year)] = sum(per.get(o.value, 0) for o in OUTCOMES)
            parts = {self.line(call, year, o.value): per.get(o.value, 0) for o in OUTCOMES}
            table.breakdown(self.line(call, year), parts)
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        counts = self.computed(("ended", self.line(0, 0)), self.counts)
        shown = self.protection.shown
        for call, year in counts:
            outcomes = [shown(self.line(call, year, o.value)) for o in OUTCOMES]
            yield [call, year, *outcomes, shown(self.line(call, year))]


@register
class FeesOwedExport(DashboardExport):
    name = "dashboard-fees-owed"
    title = _("Fees owed per quarter")
    description = _(
        "Fees of phases completed in the period, per quarter of completion: what is owed to the "
        "providers. Payments are not recorded in the application. An amount beside a hidden "
        "count is hidden too (x)."
    )

    def header(self) -> Sequence[str]:
        return ["Kwartaal", "Aantal afgeronde fasen", "Verschuldigd (EUR)"]

    def quarters(self) -> dict[tuple[int, int], list]:
        phases = self.in_period(self.phases().completed(), "end_date")
        # Summed per day by PostgreSQL and per quarter here: EXTRACT(YEAR/QUARTER) of three
        # million dates costs more than the sums themselves (1.6 s against 0.9 at a million
        # trajectories), and a decade has only ~3,650 days.
        per_day = phases.values_list("end_date").annotate(n=Count("id"), owed=Sum("fee_amount"))
        quarters: dict[tuple[int, int], list] = {}
        for day, count, owed in per_day:
            quarter = quarters.setdefault((day.year, (day.month - 1) // 3 + 1), [0, Decimal("0")])
            quarter[0] += count
            quarter[1] += owed
        return dict(sorted(quarters.items()))

    def cell(self, quarter: tuple[int, int] | None = None):
        base = conditions("completed phases", self.filters)
        return cell(base) if quarter is None else cell(base, quarter=quarter)

    def disclosure_tables(self) -> list[Table]:
        quarters = self.computed(("completed", self.cell()), self.quarters)
        table = Table(cells={self.cell(): sum(count for count, _owed in quarters.values())})
        table.breakdown(self.cell(), {self.cell(q): count for q, (count, _) in quarters.items()})
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        quarters = self.computed(("completed", self.cell()), self.quarters)
        protection = self.protection
        # An amount is a count of phases times their fees: it is hidden with its count. The
        # total amount is hidden when any is: it would give the sum of the hidden amounts, and
        # a sum of known fees can be split into phases (EUR 420,00 is one Voortraject).
        for (year, quarter), (_count, owed) in quarters.items():
            shown_owed = derived(protection, self.cell((year, quarter)), owed)
            yield [f"{year} K{quarter}", protection.shown(self.cell((year, quarter))), shown_owed]
        total_owed = sum((owed for _, owed in quarters.values()), Decimal("0.00"))
        if any(self.cell(q) in protection.hidden for q in quarters):
            total_owed = PROTECTED
        yield ["Totaal", protection.shown(self.cell()), total_owed]


@register
class OverduePhasesExport(DashboardExport):
    name = "dashboard-overdue"
    title = _("Running phases past their maximum duration")
    description = _(
        "Running phases whose maximum duration has passed today, per phase (for the chosen call "
        "and province; the period does not apply). <5 for 1-4. For internal use: today's figure"
        " changes from day to day, so two days side by side would give away one day's phases."
    )
    publishable = False

    def header(self) -> Sequence[str]:
        return ["Fase", "Aantal fasen over de maximale duur"]

    def counts(self) -> dict[str, int]:
        overdue = self.phases().overdue(timezone.localdate())
        return dict(overdue.values_list("phase").annotate(n=Count("id")))

    def cell(self, phase: str | None = None):
        # Today's overdue phases: the period plays no part.
        base = conditions("overdue phases", {**self.filters, "date_from": None, "date_to": None})
        base["day"] = str(timezone.localdate())
        return cell(base) if phase is None else cell(base, phase=phase)

    def disclosure_tables(self) -> list[Table]:
        counts = self.computed(("overdue", self.cell()), self.counts)
        table = Table(cells={self.cell(): sum(counts.values())})
        table.breakdown(self.cell(), {self.cell(p.value): counts.get(p.value, 0) for p in Phase})
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        shown = self.protection.shown
        for phase in Phase:
            yield [dutch(phase.label), shown(self.cell(phase.value))]
        yield ["Totaal", shown(self.cell())]


# --- the import's template ----------------------------------------------------------------------


@register
class ImportTemplateExport(Export):
    name = "trajectory-import-template"
    title = _("Phase import template")
    description = _(
        "Empty template to import the progress of trajectories: one row per phase with the "
        "worker's reference, project number, phase, start and end date and hours. Call and "
        "project name are for information; an INSZ column may be added."
    )
    contains_personal_data = True

    def header(self) -> Sequence[str]:
        from trajectories.imports import TEMPLATE_COLUMNS

        return list(TEMPLATE_COLUMNS)

    def rows(self) -> Iterator[Sequence[Cell]]:
        return iter(())


@register
class TrajectoryPhasesExport(ImportTemplateExport):
    name = "trajectory-phases"
    title = _("Phases of trajectories")
    description = _(
        "The phases of the trajectories you may see, with the same filters as the Trajectories "
        "page, in the columns of the import template: complete them and import them back. The "
        "worker's reference (a pseudonym), never a name or national register number. For internal"
        " use only."
    )
    filterset_class = TrajectoryFilter

    def get_queryset(self) -> QuerySet:
        return self.scoped(Trajectory.objects.all())

    def rows(self) -> Iterator[Sequence[Cell]]:
        from trajectories.imports import template_rows

        phases = (
            PhaseRecord.objects.filter(trajectory__in=self.queryset.order_by().values("pk"))
            .select_related("trajectory__worker", "trajectory__mandate__call")
            .order_by("trajectory__worker__reference", "trajectory__start_date", "phase")
        )
        return template_rows(phases.iterator(chunk_size=5000))
