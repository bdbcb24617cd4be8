"""What a trajectory's phases add up to, kept beside it by the database.

The hours, the fees and the deadline of the running phase are read on every row of the listing,
its export and the administration, and sorted on: summed from the phases per row they cost three
index probes a trajectory (most of a full export's time) and cannot be indexed. So the database
keeps them in a table of their own, one row per trajectory (hours 0 and no fees nor deadline
while it has no phases, `with_phases` false), refreshed by statement triggers on the phases and
on the trajectories whatever writes them (services, import, admin, raw SQL, the demo generator's
COPY). A table of its own, not columns of the trajectory: a change of hours is not a change of
the trajectory (no new version for a form open on it, no event in its history).

A row for every trajectory, not only for those with phases: the listing then joins it (INNER
JOIN, `Trajectory.listing_figures`) instead of a LEFT JOIN with COALESCE, so its first page sorted
by hours, fees or deadline is a walk of this table's index, not a sort of every trajectory.
For the same reason the row holds the listing's sort keys of a joined table (the employer's name,
the call's and the mandate's number; the promoter's name the deadlines page sorts on), kept by
the triggers of the trajectories and of those tables (`KEY_SOURCES`): sorted on the joined
column itself, a first page read (and sorted by key) every trajectory of the first employer or
mandate, a share of all of them.

`REFRESH_FUNCTION` is the one definition: the triggers call it for the trajectories a statement
touched, a migration for every trajectory.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from trajectories.models.summaries import figures_summary_triggers

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION trajectories_figures_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO trajectories_trajectoryfigures AS f
           (trajectory_id, hours_total, fees_total, running_deadline, with_phases,
            employer_name, call_number, project_number, promoter_name)
    SELECT t.id, coalesce(sum(p.hours), 0), sum(p.fee_amount),
           max(p.deadline) FILTER (WHERE p.end_date IS NULL), count(p.id) > 0,
           o.name, c.number, m.project_number, m.promoter_as_written
      FROM trajectories_trajectory t
      LEFT JOIN mandates_organisation o ON o.id = t.origin_employer_id
      LEFT JOIN mandates_mandate m ON m.id = t.mandate_id
      LEFT JOIN mandates_call c ON c.id = m.call_id
      LEFT JOIN trajectories_phaserecord p ON p.trajectory_id = t.id
     WHERE t.id = ANY(ids)
     GROUP BY t.id, o.id, m.id, c.id
     -- In key order: two statements refreshing the same trajectories lock them alike.
     ORDER BY t.id
    ON CONFLICT (trajectory_id) DO UPDATE
       SET hours_total = EXCLUDED.hours_total, fees_total = EXCLUDED.fees_total,
           running_deadline = EXCLUDED.running_deadline, with_phases = EXCLUDED.with_phases,
           employer_name = EXCLUDED.employer_name, call_number = EXCLUDED.call_number,
           project_number = EXCLUDED.project_number, promoter_name = EXCLUDED.promoter_name
     WHERE (f.hours_total, f.fees_total, f.running_deadline, f.with_phases,
            f.employer_name, f.call_number, f.project_number, f.promoter_name)
           IS DISTINCT FROM (EXCLUDED.hours_total, EXCLUDED.fees_total,
                             EXCLUDED.running_deadline, EXCLUDED.with_phases,
                             EXCLUDED.employer_name, EXCLUDED.call_number,
                             EXCLUDED.project_number, EXCLUDED.promoter_name);
$$;
"""

REFRESH_ALL = (
    "SELECT trajectories_figures_refresh(ARRAY(SELECT id FROM trajectories_trajectory ORDER BY id))"
)


# The trajectories whose sort keys an update of a mandates table changed (a statement trigger's
# transition tables old_rows and new_rows): an employer renamed, a mandate renumbered, moved to
# another call or its promoter renamed, a call renumbered. Rare; the trajectories found by index.
KEY_SOURCES = {
    "mandates_organisation": (
        "SELECT t.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN trajectories_trajectory t ON t.origin_employer_id = n.id "
        "WHERE o.name IS DISTINCT FROM n.name"
    ),
    "mandates_mandate": (
        "SELECT t.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN trajectories_trajectory t ON t.mandate_id = n.id "
        "WHERE (o.project_number, o.call_id, o.promoter_as_written) "
        "IS DISTINCT FROM (n.project_number, n.call_id, n.promoter_as_written)"
    ),
    "mandates_call": (
        "SELECT t.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "JOIN mandates_mandate m ON m.call_id = n.id "
        "JOIN trajectories_trajectory t ON t.mandate_id = m.id "
        "WHERE o.number IS DISTINCT FROM n.number"
    ),
}


def key_triggers_sql() -> str:
    """The statement triggers on the mandates tables that refresh the sort keys the figures
    hold. Installed by this app's migration (the mandates app knows nothing of trajectories),
    hence not pgtrigger's."""
    statements = []
    for table, ids in KEY_SOURCES.items():
        function = f"trajectories_figures_keys_of_{table}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM trajectories_figures_refresh(ARRAY({ids})); RETURN NULL; END $$; "
            f"DROP TRIGGER IF EXISTS trajectories_figures_keys ON {table}; "
            f"CREATE TRIGGER trajectories_figures_keys AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(statements)


def key_triggers_drop_sql() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS trajectories_figures_keys ON {table}; "
        f"DROP FUNCTION IF EXISTS trajectories_figures_keys_of_{table}();"
        for table in KEY_SOURCES
    )


def refresh_triggers() -> list[pgtrigger.Trigger]:
    """The statement triggers of the phases that keep the figures (PostgreSQL allows transition
    tables only on a trigger of one operation: three of them)."""

    def refresh(*tables: str) -> str:
        ids = " UNION ".join(f"SELECT trajectory_id FROM {table}" for table in tables)
        return f"PERFORM trajectories_figures_refresh(ARRAY({ids})); RETURN NULL;"

    return [
        pgtrigger.Trigger(
            name="figures_after_insert",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=refresh("new_rows"),
        ),
        pgtrigger.Trigger(
            name="figures_after_update",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=refresh("old_rows", "new_rows"),
        ),
        pgtrigger.Trigger(
            name="figures_after_delete",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=refresh("old_rows"),
        ),
    ]


def trajectory_triggers() -> list[pgtrigger.Trigger]:
    """The statement triggers of the trajectories that keep one row of figures for each: made
    with the trajectory (from its phases, whichever of the two a transaction writes first), and
    removed after it. Named to fire after the summaries' triggers (PostgreSQL fires them by
    name): those of a deleted trajectory still find its figures to subtract its hours."""
    return [
        pgtrigger.Trigger(
            name="with_figures_insert",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=(
                "PERFORM trajectories_figures_refresh(ARRAY(SELECT id FROM new_rows)); RETURN NULL;"
            ),
        ),
        # An employer or a mandate changed: the sort keys.
        pgtrigger.Trigger(
            name="with_figures_update",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=(
                "PERFORM trajectories_figures_refresh(ARRAY(SELECT n.id FROM new_rows n "
                "JOIN old_rows o ON o.id = n.id WHERE (o.origin_employer_id, o.mandate_id) "
                "IS DISTINCT FROM (n.origin_employer_id, n.mandate_id))); RETURN NULL;"
            ),
        ),
        pgtrigger.Trigger(
            name="with_figures_delete",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_rows"),
            func=(
                "DELETE FROM trajectories_trajectoryfigures "
                "WHERE trajectory_id IN (SELECT id FROM old_rows); RETURN NULL;"
            ),
        ),
    ]


class TrajectoryFigures(models.Model):
    """Derived data, written only by the database (see the module's docstring)."""

    trajectory = models.OneToOneField(
        "trajectories.Trajectory",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    hours_total = models.DecimalField(_("hours"), max_digits=10, decimal_places=2, default=0)
    fees_total = models.DecimalField(_("fees (EUR)"), max_digits=12, decimal_places=2, null=True)
    running_deadline = models.DateField(_("deadline of the running phase"), null=True)
    # Whether the trajectory has phases at all: the summaries count the trajectories with
    # figures (`StartedSummary.with_figures`), a sum of hours over none being none.
    with_phases = models.BooleanField(_("has phases"), default=False)
    # What the listing sorts on by employer, by call and by mandate, copied from the employer's
    # name, the call's number and the mandate's project number (kept by the triggers of the
    # trajectories and of those tables, see KEY_SOURCES): sorted on a joined table's column,
    # the first page read every trajectory of the first employer or mandate (PostgreSQL sorts
    # them by key), here it is a walk of an index. NULL only while a row it names is missing
    # (a constraint checked at commit).
    employer_name = models.CharField(  # noqa: DJ001 (NULL: no employer row, not a name)
        _("social-economy employer"), max_length=200, null=True
    )
    call_number = models.PositiveIntegerField(_("call number"), null=True)
    project_number = models.PositiveIntegerField(_("project number"), null=True)
    # And what the deadlines page sorts on by mandate and by promoter (a trajectory has at most
    # one running phase: the database refuses a phase after one that has not ended).
    promoter_name = models.CharField(  # noqa: DJ001 (NULL: no mandate row, not a name)
        _("promoter as written"), max_length=300, null=True
    )

    class Meta:
        # The hours of each trajectory are summed per month and mandate too.
        triggers = figures_summary_triggers()
        verbose_name = _("figures of a trajectory")
        verbose_name_plural = _("figures of trajectories")
        indexes = [
            # The listing sorted by hours or fees reads its first page here.
            models.Index(fields=["hours_total", "trajectory"], name="figures_hours"),
            models.Index(fields=["fees_total", "trajectory"], name="figures_fees"),
            models.Index(fields=["employer_name", "trajectory"], name="figures_employer"),
            models.Index(
                fields=["call_number", "project_number", "trajectory"], name="figures_call"
            ),
            models.Index(fields=["project_number", "trajectory"], name="figures_mandate"),
            models.Index(fields=["promoter_name", "trajectory"], name="figures_promoter"),
            # And by "past maximum": by deadline, the key deciding ties (see TrajectoryTable).
            models.Index(
                fields=["running_deadline", "trajectory"], name="figures_running_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.hours_total} h, {self.fees_total} EUR"
