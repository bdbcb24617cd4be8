"""Counts and sums of the trajectories and their phases per month and mandate, kept by the
database in the same transaction as every change.

The dashboard, the hours page and the aggregate exports count trajectories started, ended,
phases completed and running. Counted from the rows, they cost time in proportion to the rows
(the dashboard took 2.3 s at a million trajectories against 0.1 s at ten thousand). Published
figures cover whole months (`doorstroom.disclosure.periods`) and are scoped, filtered and
broken down by mandate (its call and provinces), so a row per month and mandate (and phase,
status, outcome) is all they read: a table whose size is bounded by the calendar and the
mandates, not by the trajectories.

Statement triggers on the trajectories, the phases and the figures of each trajectory
(`TrajectoryFigures`) add what a statement changed: its old rows counted with -1 and its new ones
with +1, from the transition tables, so a bulk update of a million rows is one statement here
too. A contribution depends on a row and on the current row it joins (a phase counts for the
mandate of its trajectory): the trigger of each side joins the other side as it is, so the sum
stays exact whichever is written first. The increments commute: rows are upserted in key
order (two transactions lock the same rows in the same order, so no deadlock) and a row at zero
is kept (bounded in number, and no race between a delete and an increment). TRUNCATE counts
everything again. `REBUILD_FUNCTION` counts from scratch (the migration's backfill, and the
reference of the test that replays random writes).
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from mandates.models import Mandate

TRAJECTORY = "trajectories_trajectory"
PHASE = "trajectories_phaserecord"
FIGURES = "trajectories_trajectoryfigures"
RUNNING = "lopend"  # TrajectoryStatus.RUNNING, frozen into the SQL


def month(expression: str) -> str:
    return f"date_trunc('month', {expression})::date"


class Summary:
    """One summary table: its key and value columns, and the contribution of each source."""

    def __init__(self, table: str, keys: list[str], values: list[str]) -> None:
        self.table, self.keys, self.values = table, keys, values

    def upsert(self, contributions: list[str]) -> str:
        """Add the signed contributions (SELECTs of keys then values) to the table."""
        keys, values = ", ".join(self.keys), ", ".join(self.values)
        sums = ", ".join(f"sum({v})" for v in self.values)
        nonzero = " OR ".join(f"sum({v}) <> 0" for v in self.values)
        updates = ", ".join(f"{v} = s.{v} + EXCLUDED.{v}" for v in self.values)
        union = " UNION ALL ".join(contributions)
        return (
            f"INSERT INTO {self.table} AS s ({keys}, {values}) "
            f"SELECT {keys}, {sums} FROM ({union}) AS d ({keys}, {values}) "
            f"GROUP BY {keys} HAVING {nonzero} ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates};"
        )


STARTED = Summary(
    "trajectories_startedsummary",
    ["month", "mandate_id", "current_phase", "status"],
    ["trajectories", "hours", "with_figures"],
)
# The same per month and mandate only, those completed in columns of their own: a row per month
# and mandate whatever the number of trajectories (the hours page).
STARTED_MONTH = Summary(
    "trajectories_startedmonthsummary",
    ["month", "mandate_id"],
    [
        *("trajectories", "hours", "with_figures"),
        *("completed", "completed_hours", "completed_with_figures"),
    ],
)
COMPLETED_STATUS = "afgerond"  # TrajectoryStatus.COMPLETED, frozen into the SQL
ENDED = Summary(
    "trajectories_endedsummary", ["month", "mandate_id", "status", "outcome"], ["trajectories"]
)
COMPLETED = Summary(
    "trajectories_completedphasesummary", ["month", "mandate_id", "phase"], ["phases", "fees"]
)
RUNNING_MONTH = Summary(
    "trajectories_runningphasesummary", ["month", "mandate_id", "phase"], ["phases"]
)
RUNNING_DAY = Summary(
    "trajectories_runningphasedaysummary", ["deadline", "mandate_id", "phase"], ["phases"]
)
SUMMARIES = [STARTED, STARTED_MONTH, ENDED, COMPLETED, RUNNING_MONTH, RUNNING_DAY]


# The contribution of rows of one table (`rows`: a table or transition table), each counted with
# `sign`, joined with the current rows of the other table.
def _started(summary: Summary, sign: int, count: str, hours: str, figures: str) -> str:
    """The key and value columns of a started summary (STARTED or STARTED_MONTH)."""
    keys = f"{month('t.start_date')}, t.mandate_id"
    values = [f"{sign} * {count}", f"{sign} * {hours}", f"{sign} * {figures}"]
    if summary is STARTED:
        return ", ".join([keys, "t.current_phase", "t.status", *values])
    done = f"(t.status = '{COMPLETED_STATUS}')::int"
    return ", ".join([keys, *values, *(f"{value} * {done}" for value in values)])


def started_of_trajectories(rows: str, sign: int, summary: Summary = STARTED) -> str:
    columns = _started(
        summary, sign, "1", "coalesce(f.hours_total, 0)", "coalesce(f.with_phases, false)::int"
    )
    return f"SELECT {columns} FROM {rows} t LEFT JOIN {FIGURES} f ON f.trajectory_id = t.id"


def started_of_figures(rows: str, sign: int, summary: Summary = STARTED) -> str:
    columns = _started(summary, sign, "0", "f.hours_total", "f.with_phases::int")
    return f"SELECT {columns} FROM {rows} f JOIN {TRAJECTORY} t ON t.id = f.trajectory_id"


STARTED_SUMMARIES = [STARTED, STARTED_MONTH]


def ended_of_trajectories(rows: str, sign: int) -> str:
    return (
        f"SELECT {month('t.end_date')}, t.mandate_id, t.status, t.outcome, {sign} "
        f"FROM {rows} t WHERE t.status <> '{RUNNING}' AND t.end_date IS NOT NULL"
    )


def phases_joined(summary: Summary, phases: str, trajectories: str, sign: int) -> str:
    """A phase summary's contribution of `phases` joined with `trajectories`."""
    join = f"FROM {phases} p JOIN {trajectories} t ON t.id = p.trajectory_id"
    if summary is COMPLETED:
        return (
            f"SELECT {month('p.end_date')}, t.mandate_id, p.phase, {sign}, {sign} * p.fee_amount "
            f"{join} WHERE p.fee_amount IS NOT NULL AND p.end_date IS NOT NULL"
        )
    deadline = month("p.deadline") if summary is RUNNING_MONTH else "p.deadline"
    return (
        f"SELECT {deadline}, t.mandate_id, p.phase, {sign} {join} "
        "WHERE p.end_date IS NULL AND p.deadline IS NOT NULL"
    )


PHASE_SUMMARIES = [COMPLETED, RUNNING_MONTH, RUNNING_DAY]

# The trajectories of an update whose mandate (or key) changed, before and after: only their
# phases move to other rows of the phase summaries.
MOVED_OLD = (
    "(SELECT o.* FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n "
    "WHERE n.id = o.id AND n.mandate_id = o.mandate_id))"
)
MOVED_NEW = (
    "(SELECT n.* FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o "
    "WHERE o.id = n.id AND o.mandate_id = n.mandate_id))"
)


def trajectory_body(old: str | None, new: str | None, moved: bool) -> str:
    """What a statement on the trajectories adds: `old`/`new` the transition tables it has."""
    sides = [(rows, sign) for rows, sign in ((old, -1), (new, 1)) if rows]
    statements = [
        *(
            summary.upsert([started_of_trajectories(rows, sign, summary) for rows, sign in sides])
            for summary in STARTED_SUMMARIES
        ),
        ENDED.upsert([ended_of_trajectories(rows, sign) for rows, sign in sides]),
    ]
    if moved:
        sides = [(MOVED_OLD, -1), (MOVED_NEW, 1)]
    for summary in PHASE_SUMMARIES:
        statements.append(
            summary.upsert([phases_joined(summary, PHASE, rows, sign) for rows, sign in sides])
        )
    return " ".join(statements) + " RETURN NULL;"


def phase_body(old: str | None, new: str | None) -> str:
    sides = [(rows, sign) for rows, sign in ((old, -1), (new, 1)) if rows]
    statements = [
        summary.upsert([phases_joined(summary, rows, TRAJECTORY, sign) for rows, sign in sides])
        for summary in PHASE_SUMMARIES
    ]
    return " ".join(statements) + " RETURN NULL;"


def figures_body(old: str | None, new: str | None) -> str:
    sides = [(rows, sign) for rows, sign in ((old, -1), (new, 1)) if rows]
    upserts = [
        summary.upsert([started_of_figures(rows, sign, summary) for rows, sign in sides])
        for summary in STARTED_SUMMARIES
    ]
    return " ".join(upserts) + " RETURN NULL;"


def _triggers(prefix: str, body) -> list[pgtrigger.Trigger]:
    """Statement triggers after insert, update and delete (PostgreSQL allows transition tables
    only on a trigger of one operation), and after TRUNCATE, which counts everything again."""
    operations = [
        ("insert", pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"), (None, "new_rows")),
        (
            "update",
            pgtrigger.Update,
            pgtrigger.Referencing(old="old_rows", new="new_rows"),
            ("old_rows", "new_rows"),
        ),
        ("delete", pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"), ("old_rows", None)),
    ]
    triggers = [
        pgtrigger.Trigger(
            name=f"{prefix}_after_{name}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=referencing,
            func=body(*sides, name),
        )
        for name, operation, referencing, sides in operations
    ]
    triggers.append(
        pgtrigger.Trigger(
            name=f"{prefix}_after_truncate",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Truncate,
            func="PERFORM trajectories_summaries_rebuild(); RETURN NULL;",
        )
    )
    return triggers


def trajectory_summary_triggers() -> list[pgtrigger.Trigger]:
    return _triggers(
        "summaries", lambda old, new, name: trajectory_body(old, new, moved=name == "update")
    )


def phase_summary_triggers() -> list[pgtrigger.Trigger]:
    return _triggers("summaries", lambda old, new, _name: phase_body(old, new))


def figures_summary_triggers() -> list[pgtrigger.Trigger]:
    return _triggers("summaries", lambda old, new, _name: figures_body(old, new))


def _rebuild_statements() -> str:
    statements = [f"DELETE FROM {summary.table};" for summary in SUMMARIES]
    statements += [
        summary.upsert([started_of_trajectories(TRAJECTORY, 1, summary)])
        for summary in STARTED_SUMMARIES
    ]
    statements.append(ENDED.upsert([ended_of_trajectories(TRAJECTORY, 1)]))
    statements += [
        summary.upsert([phases_joined(summary, PHASE, TRAJECTORY, 1)])
        for summary in PHASE_SUMMARIES
    ]
    return "\n    ".join(statements)


# Counts every summary from scratch (the migration's backfill, and after a TRUNCATE).
REBUILD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION trajectories_summaries_rebuild() RETURNS void
LANGUAGE sql AS $$
    {_rebuild_statements()}
$$;
"""


class SummaryRow(models.Model):
    """Derived data, written only by the database (see the module's docstring)."""

    # No constraint: a row at zero may outlive its mandate's last trajectory, and must not keep
    # the mandate from being deleted.
    mandate = models.ForeignKey(
        Mandate,
        verbose_name=_("mandate"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}: {self.mandate_id}"


class StartedSummary(SummaryRow):
    """Trajectories per month of their start, mandate, current phase and status; their hours
    (`TrajectoryFigures.hours_total`) and how many of them have phases."""

    month = models.DateField(_("month"))
    current_phase = models.PositiveSmallIntegerField(_("current phase"), null=True)
    status = models.CharField(_("status"), max_length=10)
    trajectories = models.IntegerField(_("trajectories"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=16, decimal_places=2, default=0)
    with_figures = models.IntegerField(_("trajectories with phases"), default=0)

    class Meta:
        verbose_name = _("trajectories started per month")
        verbose_name_plural = _("trajectories started per month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "mandate", "current_phase", "status"],
                name="started_summary_key",
                nulls_distinct=False,
            )
        ]


class StartedMonthSummary(SummaryRow):
    """`StartedSummary` per month and mandate only, the completed trajectories (status
    completed), their hours and how many of them have phases in columns of their own."""

    month = models.DateField(_("month"))
    trajectories = models.IntegerField(_("trajectories"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=16, decimal_places=2, default=0)
    with_figures = models.IntegerField(_("trajectories with phases"), default=0)
    completed = models.IntegerField(_("completed trajectories"), default=0)
    completed_hours = models.DecimalField(
        _("hours of completed trajectories"), max_digits=16, decimal_places=2, default=0
    )
    completed_with_figures = models.IntegerField(_("completed trajectories with phases"), default=0)

    class Meta:
        verbose_name = _("trajectories started per month and mandate")
        verbose_name_plural = _("trajectories started per month and mandate")
        constraints = [
            models.UniqueConstraint(fields=["month", "mandate"], name="started_month_summary_key")
        ]


class EndedSummary(SummaryRow):
    """Ended trajectories per month of their end date, mandate, status and outcome."""

    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10)
    outcome = models.CharField(_("outcome"), max_length=10)
    trajectories = models.IntegerField(_("trajectories"), default=0)

    class Meta:
        verbose_name = _("trajectories ended per month")
        verbose_name_plural = _("trajectories ended per month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "mandate", "status", "outcome"], name="ended_summary_key"
            )
        ]


class CompletedPhaseSummary(SummaryRow):
    """Completed phases (with their fee) per month of their end date, mandate and phase."""

    month = models.DateField(_("month"))
    phase = models.PositiveSmallIntegerField(_("phase"))
    phases = models.IntegerField(_("phases"), default=0)
    fees = models.DecimalField(_("fees (EUR)"), max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("phases completed per month")
        verbose_name_plural = _("phases completed per month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "mandate", "phase"], name="completed_phase_summary_key"
            )
        ]


class RunningPhaseSummary(SummaryRow):
    """Running phases per month of their deadline, mandate and phase."""

    month = models.DateField(_("month"))
    phase = models.PositiveSmallIntegerField(_("phase"))
    phases = models.IntegerField(_("phases"), default=0)

    class Meta:
        verbose_name = _("running phases per month of their deadline")
        verbose_name_plural = _("running phases per month of their deadline")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "mandate", "phase"], name="running_phase_summary_key"
            )
        ]


class RunningPhaseDaySummary(SummaryRow):
    """Running phases per day of their deadline, mandate and phase: read for the current month
    only, where "past its deadline today" splits a month."""

    deadline = models.DateField(_("deadline"))
    phase = models.PositiveSmallIntegerField(_("phase"))
    phases = models.IntegerField(_("phases"), default=0)

    class Meta:
        verbose_name = _("running phases per day of their deadline")
        verbose_name_plural = _("running phases per day of their deadline")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "mandate", "phase"], name="running_phase_day_summary_key"
            )
        ]
