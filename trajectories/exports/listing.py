"""The listing of trajectories (`trajectories`) and the phase file's exports: the import's empty
template and the phases to complete and import back (`trajectories.phase_file`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.export_sql import (
    select_sql,
    sql_boolean,
    sql_choice,
    sql_date,
    sql_number,
    sql_text,
)
from doorstroom.exports import (
    Cell,
    Dialect,
    Export,
    register,
)
from doorstroom.pagination import is_unfiltered
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

# Columns of the listing export computed from a trajectory's phases (the LATERAL of copy_sql).
PHASE_FIGURES = ("is_overdue", "hours_total", "fees_total")


def outcome_labels() -> dict[str, str]:
    """Whether the worker moved on to a regular job, as the column's header asks it: yes, no or
    unknown, in the active language (in Dutch the stored values themselves)."""
    return {
        JobOutcome.REGULAR_JOB.value: gettext("yes"),
        JobOutcome.NO_JOB.value: gettext("no"),
        JobOutcome.UNKNOWN.value: gettext("unknown"),
    }


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
    # Also the columns an import of this file leaves alone (trajectories.imports).
    HEADER = (
        LABELS[WORKER],
        LABELS[CALL],
        LABELS[MANDATE],
        LABELS[PROJECT_NAME],
        _("Social-economy employer"),
        _("Internship host employer"),
        LABELS[START],
        LABELS[END],
        _("Status"),
        _("Current phase"),
        _("Maximum duration exceeded"),
        LABELS[HOURS],
        FEE,
        _("Moved on to a regular job"),
        _("Demo"),
    )

    def get_queryset(self) -> QuerySet:
        # In the order of registration (the key): PostgreSQL streams that order from its
        # indexes, where the listing's newest-first order would sort every row before the
        # first one could be sent.
        return self.scoped(Trajectory.objects.for_listing(timezone.localdate())).order_by("pk")

    def header(self) -> Sequence[str]:
        return list(self.HEADER)

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
        phase_names, statuses = choice_labels(Phase), choice_labels(TrajectoryStatus)
        outcomes = outcome_labels()
        # Plain tuples rather than model instances: half the time on a million rows.
        rows = queryset.values_list(*self.columns)
        for row in rows.iterator(chunk_size=5000):
            yield (
                *row[:8],
                statuses[row[8]],
                phase_names.get(row[9]),
                *row[10:13],
                outcomes.get(row[13]),
                row[14],
            )

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
        labelled["status"] = sql_choice(names["status"], choice_labels(TrajectoryStatus), params)
        labelled["current_phase"] = sql_choice(names["current_phase"], choice_labels(Phase), params)
        labelled["outcome"] = sql_choice(names["outcome"], outcome_labels(), params)
        cell_params: list = []
        cell_sql = {
            "number": lambda cell: sql_number(cell, dialect),
            "date": sql_date,
            "boolean": lambda cell: sql_boolean(cell, cell_params),
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
        # In the statement's order: the words of the booleans, the labels, the filters, then
        # today for "overdue".
        return select, [*cell_params, *params, *inner_params, timezone.localdate()]


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
