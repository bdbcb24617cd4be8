"""Answers 2b, 2c and 3b as exports: one row per line of the source's tables.

Names, participations and notes are written as stored; the headers and labels in the language
of the export (`doorstroom.exports`).
"""

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure import suppress_count
from doorstroom.exports import Cell, Export, register
from pilots.filters import PilotFilter
from pilots.models import UNKNOWN_LABEL, CareEngagement, Pilot, ReportedResult

SECTOR, PROVIDER, ORGANISATION, NOTES = (
    _("Sector"),
    _("Service provider"),
    _("Organisation"),
    _("Notes"),
)
WORKERS_INVOLVED = _("Workers involved")


def table_2b_row(pilot: Pilot, unknown: str) -> tuple[str, str, str]:
    """`unknown`: the label of a provider not given, in the export's language."""
    provider = pilot.assignment.provider
    return (pilot.sector.name, provider.name if provider else unknown, pilot.participation)


@register
class PilotsExport(Export):
    name = "pilots"
    title = _("Pilots")
    description = _(
        "The pilots 2017-2018 (answer 2b): sector, provider and participating organisations as "
        "the source writes them, in the source's order."
    )
    filterset_class = PilotFilter

    def get_queryset(self) -> QuerySet:
        return Pilot.objects.for_listing()

    def header(self) -> Sequence[str]:
        return [SECTOR, PROVIDER, _("Participating organisations")]

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        # In the source's row order (for_listing; exports take no sort).
        unknown = str(UNKNOWN_LABEL)
        for pilot in queryset:
            yield table_2b_row(pilot, unknown)


@register
class PilotOutcomesExport(PilotsExport):
    """The 2b table with what came of each pilot; kept apart so `pilots` stays the 2b table."""

    name = "pilot-outcomes"
    title = _("Pilots and result")
    description = _(
        "The pilots (answer 2b) with counts and result (answer 2c): number of organisations, "
        "companies and workers involved (empty = unknown), outcome, note."
    )

    def header(self) -> Sequence[str]:
        return [
            *super().header(),
            _("Number of organisations"),
            _("Companies involved"),
            WORKERS_INVOLVED,
            _("Outcome"),
            NOTES,
        ]

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        unknown = str(UNKNOWN_LABEL)
        for pilot in queryset:
            yield (
                *table_2b_row(pilot, unknown),
                pilot.organisation_count,
                # None becomes an empty cell: unknown, never a 0.
                pilot.companies_involved,
                pilot.workers_involved,
                pilot.outcome_label,
                pilot.outcome_notes,
            )


@register
class PilotResultsExport(Export):
    name = "pilot-results"
    title = _("Pilot results")
    description = _(
        "The results as answer 2c reports them, per provider and sector: outcome, organisation, "
        "position, number of target-group workers (empty = unknown)."
    )

    def header(self) -> Sequence[str]:
        return [
            PROVIDER,
            SECTOR,
            _("Outcome"),
            ORGANISATION,
            _("Job"),
            _("Number of target-group workers"),
            _("Result"),
        ]

    def rows(self) -> Iterator[Sequence[Cell]]:
        unknown, every_sector = str(UNKNOWN_LABEL), gettext("all sectors")
        for result in ReportedResult.objects.for_listing():
            provider = result.assignment.provider
            yield (
                provider.name if provider else unknown,
                result.sector.name if result.sector else every_sector,
                result.get_outcome_display(),
                result.host_organisation.name if result.host_organisation else "",
                result.job,
                result.workers,
                result.description,
            )


@register
class CareEngagementsExport(Export):
    name = "care-engagements"
    title = _("Doorstroom met Zorg")
    description = _(
        "Engagements in the follow-up project Doorstroom met Zorg (answer 3): groups, residential"
        " care centres, federations, with the number of care centres and what that number means."
    )

    def header(self) -> Sequence[str]:
        return [
            _("Assignment"),
            _("Party involved"),
            ORGANISATION,
            _("Role"),
            _("Phase"),
            _("Number of care homes"),
            _("Nature of the number"),
            NOTES,
        ]

    def rows(self) -> Iterator[Sequence[Cell]]:
        for engagement in CareEngagement.objects.for_listing():
            yield (
                engagement.assignment.title,
                engagement.name_as_written,
                engagement.organisation.name if engagement.organisation else "",
                engagement.get_role_display(),
                engagement.get_phase_display(),
                engagement.care_homes,
                engagement.get_care_homes_qualifier_display(),
                engagement.notes,
            )


@register
class PilotsPerSectorExport(Export):
    """The dashboard's pilot figures: `Pilot.objects.overview()`, as the overview page has them."""

    name = "dashboard-pilots"
    title = _("Pilots per sector and provider")
    description = _(
        "Number of pilots (2017-2018) per sector and provider, the organisations named and the "
        "workers involved (empty = unknown, <5 for 1-4)."
    )

    def header(self) -> Sequence[str]:
        return [
            SECTOR,
            PROVIDER,
            _("Number of pilots"),
            _("Organisations named"),
            _("Also unnamed groups"),
            WORKERS_INVOLVED,
        ]

    def rows(self) -> Iterator[Sequence[Cell]]:
        unknown = str(UNKNOWN_LABEL)
        for row in Pilot.objects.overview():
            yield (
                row["sector"],
                row["provider"] or unknown,
                row["pilots"],
                row["organisations"],
                row["organisations_at_least"],
                suppress_count(row["workers"]),
            )
