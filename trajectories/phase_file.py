"""The phase file: the one contract between the import (`trajectories.imports`) and the exports
written in its columns (`trajectory-import-template`, `trajectory-phases`).

One row per phase of a trajectory. A column is known by its key; its name is English in the
code and Dutch in the catalog. A file is written in the language of its export, and read in
either: the Dutch names are those of the template providers were given, and stay valid.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from trajectories.models import Phase, PhaseRecord

WORKER, CALL, MANDATE, PROJECT_NAME = "worker", "call", "mandate", "project_name"
PHASE, START, END, HOURS, INSZ = "phase", "start", "end", "hours", "insz"
LABELS = {
    WORKER: _("Worker reference"),
    CALL: _("Call"),
    MANDATE: _("Project number"),
    PROJECT_NAME: _("Project name"),
    PHASE: _("Phase"),
    START: _("Start date"),
    END: _("End date"),
    HOURS: _("Hours"),
    INSZ: "INSZ",
}
REQUIRED_COLUMNS = (WORKER, MANDATE, PHASE, START)
OPTIONAL_COLUMNS = (END, HOURS, INSZ)
TEMPLATE_COLUMNS = (WORKER, CALL, MANDATE, PROJECT_NAME, PHASE, START, END, HOURS)


def labels(columns: Iterable[str]) -> list:
    """The (lazy) names of these columns."""
    return [LABELS[column] for column in columns]


def template_header() -> list:
    return labels(TEMPLATE_COLUMNS)


@functools.cache
def names_in_every_language(columns: tuple[str, ...]) -> dict[str, str]:
    """Each column's name in every language, folded as a header is compared -> its key."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.update({str(LABELS[column]).casefold(): column for column in columns})
    return names


def template_rows(phases: Iterable[PhaseRecord]) -> Iterator[tuple]:
    """Rows of the template's columns, one per phase, the phase named in the active language."""
    names = {phase.value: str(phase.label) for phase in Phase}
    for record in phases:
        trajectory = record.trajectory
        yield (
            trajectory.worker.reference,
            trajectory.mandate.call.number,
            trajectory.mandate.project_number,
            trajectory.mandate.name,
            names[record.phase],
            record.start_date,
            record.end_date,
            record.hours,
        )
