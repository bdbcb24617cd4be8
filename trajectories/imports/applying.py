"""Checking the rows against the database and applying them, all or none, through the services
(`trajectories.services`, their `*_checked` variants); the preview is the same run rolled back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from doorstroom import sql
from doorstroom.languages import lazy_format
from mandates.models import Mandate
from trajectories import services
from trajectories.imports.parsing import (
    parse_rows,
    phase_label,
    validation_text,
)
from trajectories.imports.reading import (
    checksum_of,
    decimal_comma,
    read_table,
)
from trajectories.imports.report import ImportReport, RowResult
from trajectories.indexation import HealthIndex
from trajectories.models import (
    Phase,
    PhaseRecord,
    Trajectory,
)
from trajectories.phase_file import (
    END,
    HOURS,
    INSZ,
    MANDATE,
    PHASE,
    START,
    WORKER,
)
from trajectories.schedules import FeeSchedules
from trajectories.upload_checks import ImportFileError

# An import of at least this many rows ANALYZEs the tables it filled once it is applied: the
# planner's statistics would otherwise lag until autovacuum gets to them (10 % of a table).
ANALYZE_FROM_ROWS = 10_000


class _DryRun(Exception):
    """Raised at the end of a preview so the transaction rolls back."""


COMPLETION_FIELDS = [
    "end_date",
    "hours",
    "fee_amount",
    "fee_schedule",
    "index_reference_month",
    "index_value",
    "index_base_value",
    "fee_note",
]


@dataclass
class _Writes:
    """What the rows change, written at the end in a few statements instead of one per row
    (the services are called with save=False). Order matters to the phase-order trigger:
    completions of existing phases first, then the new phases, then the trajectories."""

    new_phases: list[PhaseRecord] = field(default_factory=list)
    changed_phases: dict[int, PhaseRecord] = field(default_factory=dict)
    completed_trajectories: dict[int, Trajectory] = field(default_factory=dict)

    def changed(self, record: PhaseRecord) -> None:
        if record.pk is not None:
            self.changed_phases[record.pk] = record

    def write(self) -> None:
        if self.changed_phases:
            sql.update_from_values(PhaseRecord, self.changed_phases.values(), COMPLETION_FIELDS)
        if self.new_phases:
            PhaseRecord.objects.bulk_create(self.new_phases, batch_size=2000)
        if self.completed_trajectories:
            sql.update_from_values(
                Trajectory, self.completed_trajectories.values(), ["status", "end_date", "outcome"]
            )


def _message(error: ValidationError):
    """(field, lazy text) of a service's ValidationError."""
    name = next(iter(error.error_dict)) if hasattr(error, "error_dict") else None
    return name, validation_text(error)


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"  # the same in every language (doorstroom/formats)


# Hours as the reader writes them (12,50 in Dutch, 12.50 in English), when shown.
_hours = lazy(lambda hours: number_format(hours, 2), str)


def _apply_row(
    row: RowResult,
    *,
    trajectory: Trajectory,
    phases: list[PhaseRecord],
    index: HealthIndex,
    schedules: FeeSchedules,
    writes: _Writes,
) -> None:
    existing = next((p for p in phases if p.phase == row.phase), None)
    label = phase_label(row.phase)
    if existing is not None:
        if existing.start_date != row.start_date:
            row.error(
                START,
                lazy_format(
                    _(
                        "%(phase)s started on %(started)s, not on %(date)s. A start date cannot be "
                        "corrected through an import: ask VDAB."
                    ),
                    phase=label,
                    started=_day(existing.start_date),
                    date=_day(row.start_date),
                ),
            )
            return
        if existing.end_date != row.end_date and existing.end_date is not None:
            row.error(
                END,
                lazy_format(
                    _(
                        "%(phase)s was already completed on %(ended)s (end date in the file: "
                        "%(date)s); the fee is fixed. A completed phase cannot be changed through "
                        "an import."
                    ),
                    phase=label,
                    ended=_day(existing.end_date),
                    date=_day(row.end_date) if row.end_date else _("empty"),
                ),
            )
            return
        if existing.end_date is None and row.end_date is not None:
            hours = row.hours if row.hours is not None else existing.hours
            services.phase_complete_checked(
                trajectory=trajectory,
                phases=phases,
                end_date=row.end_date,
                hours=hours,
                index=index,
                schedules=schedules,
                save=False,
            )
            writes.changed(existing)
            if existing.phase == Phase.NAZORG:
                writes.completed_trajectories[trajectory.pk] = trajectory
            row.action = "changed"
            row.detail = lazy_format(
                _("%(phase)s completed on %(date)s"), phase=label, date=_day(row.end_date)
            )
            return
        if row.hours is not None and row.hours != existing.hours:
            row.detail = lazy_format(
                _("hours of %(phase)s: %(before)s → %(after)s"),
                phase=label,
                before=_hours(existing.hours),
                after=_hours(row.hours),
            )
            services.phase_hours_record(record=existing, hours=row.hours)
            writes.changed(existing)
            row.action = "changed"
            return
        row.action = "unchanged"
        return

    record = services.phase_start_checked(
        trajectory=trajectory,
        phases=phases,
        start_date=row.start_date,
        phase=row.phase,
        schedules=schedules,
        save=False,
    )
    phases.append(record)
    writes.new_phases.append(record)
    row.action = "created"
    started = lazy_format(
        _("%(phase)s started on %(date)s"), phase=label, date=_day(row.start_date)
    )
    row.detail = started
    if row.end_date is not None:
        services.phase_complete_checked(
            trajectory=trajectory,
            phases=phases,
            end_date=row.end_date,
            hours=row.hours or Decimal("0"),
            index=index,
            schedules=schedules,
            save=False,
        )
        if record.phase == Phase.NAZORG:
            writes.completed_trajectories[trajectory.pk] = trajectory
        row.detail = lazy_format(
            _("%(started)s and completed on %(date)s"), started=started, date=_day(row.end_date)
        )
    elif row.hours:
        services.phase_hours_record(record=record, hours=row.hours)


# Told how many rows are done of how many (a job's progress bar); may raise to stop the work,
# which rolls its transaction back (doorstroom.jobs.running.Progress).
Progress = Callable[[int, int], None]


def _check_and_apply(rows: list[RowResult], *, user, progress: Progress | None = None) -> None:
    """Look every row up in bulk (a handful of queries, whatever the number of rows), then apply
    the good ones in order of trajectory and phase."""
    if progress is not None:
        progress(0, len(rows) + 1)
    candidates = [r for r in rows if not r.errors]
    numbers = {r.project_number for r in candidates}
    references = {r.worker_reference for r in candidates}
    visible_mandates = dict(
        Mandate.objects.visible_to(user)
        .filter(project_number__in=numbers)
        .values_list("project_number", "pk")
    )
    trajectories = (
        Trajectory.objects.visible_to(user)
        .filter(worker__reference__in=references)
        .select_related("worker")
        .select_for_update(of=("self",))
        .order_by("start_date", "pk")
    )
    by_worker_mandate: dict[tuple[str, int], Trajectory] = {}
    known_references = set()
    for trajectory in trajectories:
        known_references.add(trajectory.worker.reference)
        # The latest trajectory of a worker with a mandate is the one a provider reports on.
        by_worker_mandate[(trajectory.worker.reference, trajectory.mandate_id)] = trajectory
    phases: dict[int, list[PhaseRecord]] = defaultdict(list)
    for record in PhaseRecord.objects.filter(
        trajectory__in=[t.pk for t in by_worker_mandate.values()]
    ).order_by("trajectory", "phase"):
        phases[record.trajectory_id].append(record)

    planned: list[tuple[RowResult, Trajectory]] = []
    for row in candidates:
        mandate_id = visible_mandates.get(row.project_number)
        if mandate_id is None:
            row.error(
                MANDATE,
                lazy_format(
                    _(
                        "Unknown mandate: project number %(number)s does not exist or you have no "
                        "access to it."
                    ),
                    number=row.project_number,
                ),
            )
            continue
        if row.worker_reference not in known_references:
            row.error(
                WORKER,
                lazy_format(
                    _(
                        "Unknown worker: %(worker)s has no trajectory you can update. An import "
                        "creates no new workers or trajectories."
                    ),
                    worker=row.worker_reference,
                ),
            )
            continue
        trajectory = by_worker_mandate.get((row.worker_reference, mandate_id))
        if trajectory is None:
            row.error(
                MANDATE,
                lazy_format(
                    _(
                        "%(worker)s has no trajectory with mandate %(number)s that you can update. "
                        "An import creates no new trajectories."
                    ),
                    worker=row.worker_reference,
                    number=row.project_number,
                ),
            )
            continue
        if row.insz and trajectory.worker.insz and row.insz != trajectory.worker.insz:
            row.error(
                INSZ,
                lazy_format(
                    _("The national register number does not belong to worker %(worker)s."),
                    worker=row.worker_reference,
                ),
            )
            continue
        planned.append((row, trajectory))

    if not planned:
        return
    index = HealthIndex.load()
    schedules = FeeSchedules.load()
    planned.sort(key=lambda item: (item[1].pk, item[0].phase))
    failed_trajectories: set[int] = set()
    writes = _Writes()
    # The rows checked before (read, parsed, looked up) count as done; the writes at the end as
    # the last row.
    total = len(rows) + 1
    before = len(rows) - len(planned)
    for number, (row, trajectory) in enumerate(planned):
        if progress is not None:
            progress(before + number, total)
        if trajectory.pk in failed_trajectories:
            row.error(PHASE, _("Not checked: an earlier phase of this trajectory has an error."))
            continue
        try:
            _apply_row(
                row,
                trajectory=trajectory,
                phases=phases[trajectory.pk],
                index=index,
                schedules=schedules,
                writes=writes,
            )
        except ValidationError as error:
            name, text = _message(error)
            column = {"hours": HOURS, "phase": PHASE}.get(name) or (END if row.end_date else START)
            row.error(column, text)
        if row.errors:
            failed_trajectories.add(trajectory.pk)
    if not any(row.errors for row in rows):
        if progress is not None:
            progress(len(rows), total)
        writes.write()
        if progress is not None:
            progress(total, total)  # the last chance to be cancelled before the commit


def import_run(
    *, data: bytes, file_name: str, user, apply: bool, progress: Progress | None = None
) -> ImportReport:
    """Read and check a file and either apply it (all or nothing) or show what it would do.

    Raises nothing for bad input: every problem is in the report. `apply=False` runs exactly the
    same code and rolls back.
    """
    report = ImportReport(file_name=file_name, checksum=checksum_of(data))
    today = timezone.localdate()
    try:
        report.file_format, table = read_table(data, file_name)
        report.rows = parse_rows(
            table, decimal_comma=decimal_comma(report.file_format), today=today
        )
        if not report.rows:
            raise ImportFileError(_("The file has a header but no rows."))
    except ImportFileError as error:
        report.file_errors.append(error.args[0])
        return report
    try:
        with transaction.atomic():
            _check_and_apply(report.rows, user=user, progress=progress)
            if not apply or not report.ok:
                raise _DryRun
            report.applied = True
            if len(report.rows) >= ANALYZE_FROM_ROWS:
                with connection.cursor() as cursor:
                    cursor.execute(sql.ANALYZE_FILLED)
    except _DryRun:
        pass
    except DatabaseError as error:
        # A rule only the database knows (a trigger, a constraint): nothing was kept.
        report.applied = False
        report.file_errors.append(
            lazy_format(
                _("The database refused a change; nothing has been saved. Message: %(message)s"),
                message=str(error).splitlines()[0][:300],
            )
        )
    return report
