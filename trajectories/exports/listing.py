"""The listing of trajectories (`trajectories`) and the phase file's exports: the import's empty
template and the phases to complete and import back (`trajectories.phase_file`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.export_columns import Column, ColumnsExport
from doorstroom.exports import (
    Cell,
    Export,
    register,
)
from trajectories.exports.common import FEE, choice_labels
from trajectories.filters import TrajectoryFilter
from trajectories.models import JobOutcome, Phase, PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.phase_file import (
    CALL,
    END,
    HOURS,
    LABELS,
    MANDATE,
    PROJECT_NAME,
    START,
    WORKER,
    template_header,
    template_rows,
)


def outcome_labels() -> dict[str, str]:
    """Whether the worker moved on to a regular job, as the column's header asks it: yes, no or
    unknown, in the active language (in Dutch the stored values themselves)."""
    return {
        JobOutcome.REGULAR_JOB.value: gettext("yes"),
        JobOutcome.NO_JOB.value: gettext("no"),
        JobOutcome.UNKNOWN.value: gettext("unknown"),
    }


@register
class TrajectoriesExport(ColumnsExport):
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
    # The figures of the phases come from `for_listing` (what the database keeps beside each
    # trajectory), as on the page.
    columns = (
        Column(LABELS[WORKER], "worker__reference"),
        Column(LABELS[CALL], "mandate__call__number", "number"),
        Column(LABELS[MANDATE], "mandate__project_number", "number"),
        Column(LABELS[PROJECT_NAME], "mandate__name"),
        Column(_("Social-economy employer"), "origin_employer__name"),
        Column(_("Internship host employer"), "host_employer__name"),
        Column(LABELS[START], "start_date", "date"),
        Column(LABELS[END], "end_date", "date"),
        Column(_("Status"), "status", labels=lambda: choice_labels(TrajectoryStatus)),
        Column(_("Current phase"), "current_phase", labels=lambda: choice_labels(Phase)),
        Column(_("Maximum duration exceeded"), "is_overdue", "boolean"),
        Column(LABELS[HOURS], "hours_total", "number"),
        Column(FEE, "fees_total", "number"),
        Column(_("Moved on to a regular job"), "outcome", labels=outcome_labels),
        Column(_("Demo"), "is_demo", "boolean"),
    )
    # Also the columns an import of this file leaves alone (trajectories.imports).
    HEADER = tuple(column.header for column in columns)

    def get_queryset(self) -> QuerySet:
        # In the order of registration (the key): PostgreSQL streams that order from its
        # indexes, where the listing's newest-first order would sort every row before the
        # first one could be sent.
        return self.scoped(Trajectory.objects.for_listing(timezone.localdate())).order_by("pk")


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
        return template_header()

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
        phases = (
            PhaseRecord.objects.filter(trajectory__in=self.queryset.order_by().values("pk"))
            .select_related("trajectory__worker", "trajectory__mandate__call")
            .order_by("trajectory__worker__reference", "trajectory__start_date", "phase")
        )
        return template_rows(phases.iterator(chunk_size=5000))
