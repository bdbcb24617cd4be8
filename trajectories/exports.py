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
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone, translation

from doorstroom.disclosure import suppress_count
from doorstroom.exports import Cell, Export, ExportError, register
from mandates.models import Call, Mandate, Province
from trajectories.filters import TrajectoryFilter
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    FeeSchedule,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
)

UNKNOWN = "onbekend"
ISO_DATE = ["%Y-%m-%d", "%d/%m/%Y"]


def dutch(label) -> str:
    """A choice label as the Dutch reader of an export sees it, whatever the user's language."""
    with translation.override("nl-be"):
        return str(label)


def month_label(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None


# --- fees ---------------------------------------------------------------------------------------


class FeesFilterForm(forms.Form):
    date = forms.DateField(
        required=False,
        input_formats=ISO_DATE,
        help_text="Datum (JJJJ-MM-DD): toont ook de geïndexeerde bedragen en de gebruikte index.",
    )


@register
class FeesExport(Export):
    name = "fees"
    title = "Vergoedingen per fase"
    description = (
        "De vergoeding per fase en de maximale duur (antwoord 1c): Voortraject, Job matching, "
        "Stage, Nazorg en het totaal (plafond per traject). Met een datum ook de geïndexeerde "
        "bedragen van het dan geldende tarief en de gezondheidsindex die daarvoor gebruikt wordt."
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


class PeriodFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="Gestart vanaf (JJJJ-MM-DD)."
    )
    date_to = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="Gestart tot en met (JJJJ-MM-DD)."
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        to_field_name="number",
        required=False,
        help_text="Nummer van de ESF-oproep, bv. 380.",
    )
    province = forms.CharField(
        required=False, help_text="Provincie van het mandaat, of 'onbekend'."
    )

    def clean_province(self) -> str:
        name = self.cleaned_data["province"]
        if name and name != UNKNOWN and not Province.objects.filter(name=name).exists():
            known = ", ".join(Province.objects.values_list("name", flat=True))
            raise forms.ValidationError(f"Onbekende provincie '{name}'. Kies uit: {known}.")
        return name


def trajectories_in_period(filters: dict) -> QuerySet:
    queryset = Trajectory.objects.all()
    if filters.get("date_from"):
        queryset = queryset.filter(start_date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(start_date__lte=filters["date_to"])
    if filters.get("call"):
        queryset = queryset.filter(mandate__call=filters["call"])
    province = filters.get("province")
    if province == UNKNOWN:
        queryset = queryset.filter(mandate__provinces__isnull=True)
    elif province:
        queryset = queryset.filter(mandate__provinces__name=province)
    return queryset


@register
class TrajectoryStatsExport(Export):
    name = "trajectory-stats"
    title = "Trajecten: aantallen"
    description = (
        "Aantal trajecten gestart in een periode, per ESF-oproep, provincie van het mandaat, "
        "laatst bereikte fase en status. Een mandaat in twee provincies telt in beide. Aantallen "
        "van 1 tot 4 staan als <5; geen gegevens van personen."
    )
    filter_form_class = PeriodFilterForm

    def header(self) -> Sequence[str]:
        return ["Indeling", "Waarde", "Aantal trajecten"]

    def rows(self) -> Iterator[Sequence[Cell]]:
        trajectories = trajectories_in_period(self.filters).order_by()

        per_call = dict(
            trajectories.values_list("mandate__call__number").annotate(n=Count("id", distinct=True))
        )
        for call in Call.objects.all():
            count = suppress_count(per_call.get(call.number, 0))
            yield ["ESF-oproep", f"{call.number} {call.title}", count]

        per_province = dict(
            trajectories.values_list("mandate__provinces__name").annotate(
                n=Count("id", distinct=True)
            )
        )
        for province in Province.objects.all():
            yield ["Provincie", province.name, suppress_count(per_province.get(province.name, 0))]
        yield ["Provincie", UNKNOWN, suppress_count(per_province.get(None, 0))]

        later = PhaseRecord.objects.filter(
            trajectory=OuterRef("trajectory"), phase__gt=OuterRef("phase")
        )
        per_phase = dict(
            PhaseRecord.objects.filter(trajectory__in=trajectories.values("pk"))
            .filter(~Exists(later))
            .order_by()
            .values_list("phase")
            .annotate(n=Count("id"))
        )
        for phase in Phase:
            yield ["Fase", dutch(phase.label), suppress_count(per_phase.get(phase.value, 0))]

        per_status = dict(trajectories.values_list("status").annotate(n=Count("id")))
        for status in TrajectoryStatus:
            yield ["Status", dutch(status.label), suppress_count(per_status.get(status.value, 0))]

        yield ["Totaal", "alle trajecten", suppress_count(trajectories.count())]


# --- what is owed -------------------------------------------------------------------------------


class StatementFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="Fasen afgerond vanaf (JJJJ-MM-DD)."
    )
    date_to = forms.DateField(
        required=False, input_formats=ISO_DATE, help_text="Fasen afgerond tot en met (JJJJ-MM-DD)."
    )
    mandate = forms.ModelChoiceField(
        queryset=Mandate.objects.all(),
        to_field_name="project_number",
        required=False,
        help_text="Projectnummer van het mandaat (de dienstverlener), bv. 6441.",
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        to_field_name="number",
        required=False,
        help_text="Nummer van de ESF-oproep, bv. 380.",
    )


@register
class ProviderStatementExport(Export):
    name = "provider-statement"
    title = "Verschuldigde vergoedingen per dienstverlener"
    description = (
        "Per mandaat (gemandateerde dienstverlener) en periode van afronding: de afgeronde "
        "fasen, hun aantal en vergoeding, de gebruikte gezondheidsindex, een totaal per mandaat "
        "en een eindtotaal. Alleen aantallen en bedragen, geen gegevens van personen."
    )
    filter_form_class = StatementFilterForm

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
        ]

    def get_phases(self) -> QuerySet:
        phases = PhaseRecord.objects.completed()
        if self.filters.get("date_from"):
            phases = phases.filter(end_date__gte=self.filters["date_from"])
        if self.filters.get("date_to"):
            phases = phases.filter(end_date__lte=self.filters["date_to"])
        if self.filters.get("mandate"):
            phases = phases.filter(trajectory__mandate=self.filters["mandate"])
        if self.filters.get("call"):
            phases = phases.filter(trajectory__mandate__call=self.filters["call"])
        return phases

    def rows(self) -> Iterator[Sequence[Cell]]:
        groups = (
            self.get_phases()
            .values(
                "trajectory__mandate__project_number",
                "trajectory__mandate__name",
                "trajectory__mandate__promoter_as_written",
                "trajectory__mandate__call__number",
                "phase",
                "index_reference_month",
                "index_value",
                "index_base_value",
            )
            .annotate(n=Count("id"), total=Sum("fee_amount"))
            .order_by(
                "trajectory__mandate__project_number",
                "phase",
                "index_reference_month",
                "index_value",
                "index_base_value",
            )
        )
        per_mandate: dict[int, list[Decimal | int]] = defaultdict(lambda: [0, Decimal("0.00")])
        grand = [0, Decimal("0.00")]
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
            yield [
                *previous,
                dutch(Phase(row["phase"]).label),
                month_label(row["index_reference_month"]),
                row["index_value"],
                row["index_base_value"],
                row["n"],
                row["total"],
            ]
            for totals in (per_mandate[number], grand):
                totals[0] += row["n"]
                totals[1] += row["total"]
        if previous is not None:
            yield self._subtotal(previous, per_mandate[previous[0]])
        yield [None, "Totaal alle mandaten", None, None, None, None, None, None, *grand]

    @staticmethod
    def _subtotal(mandate: tuple, totals: list) -> list[Cell]:
        return [*mandate, "Totaal", None, None, None, *totals]


# --- the listing --------------------------------------------------------------------------------


@register
class TrajectoriesExport(Export):
    name = "trajectories"
    title = "Trajecten"
    description = (
        "De lijst van trajecten met dezelfde filters als de pagina Trajecten: referentie van de "
        "werknemer (pseudoniem, nooit naam of rijksregisternummer), mandaat, werkgevers, data, "
        "fase, status, uren en vergoedingen. Alleen voor intern gebruik."
    )
    filterset_class = TrajectoryFilter

    def get_queryset(self) -> QuerySet:
        return Trajectory.objects.for_listing(timezone.localdate())

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

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        phase_names = {phase.value: dutch(phase.label) for phase in Phase}
        statuses = {status.value: dutch(status.label) for status in TrajectoryStatus}
        # Plain tuples rather than model instances: half the time on a million rows.
        rows = queryset.values_list(
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
        for row in rows.iterator(chunk_size=5000):
            yield (*row[:8], statuses[row[8]], phase_names.get(row[9]), *row[10:])


# --- the import's template ----------------------------------------------------------------------


@register
class ImportTemplateExport(Export):
    name = "trajectory-import-template"
    title = "Sjabloon import fasen"
    description = (
        "Leeg sjabloon om de voortgang van trajecten te importeren: één rij per fase met "
        "referentie van de werknemer, projectnummer, fase, start- en einddatum en uren. "
        "Oproep en projectnaam zijn ter informatie; een kolom INSZ mag erbij."
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
    title = "Fasen van trajecten"
    description = (
        "De fasen van de trajecten die u mag zien, met dezelfde filters als de pagina Trajecten, "
        "in de kolommen van het importsjabloon: aanvullen en terug importeren. Referentie van de "
        "werknemer (pseudoniem), nooit naam of rijksregisternummer. Alleen voor intern gebruik."
    )
    filterset_class = TrajectoryFilter

    def get_queryset(self) -> QuerySet:
        queryset = Trajectory.objects.all()
        if self.user is not None:
            queryset = queryset.visible_to(self.user)
        return queryset

    def rows(self) -> Iterator[Sequence[Cell]]:
        from trajectories.imports import template_rows

        phases = (
            PhaseRecord.objects.filter(trajectory__in=self.queryset.order_by().values("pk"))
            .select_related("trajectory__worker", "trajectory__mandate__call")
            .order_by("trajectory__worker__reference", "trajectory__start_date", "phase")
        )
        return template_rows(phases.iterator(chunk_size=5000))
