"""What a trajectory's phases add up to, kept beside it by the database.

The hours, the fees and the deadline of the running phase are read on every row of the listing,
its export and the administration, and sorted on: summed from the phases per row they cost three
index probes a trajectory (most of a full export's time) and cannot be indexed. So the database
keeps them in a table of their own, one row per trajectory with phases, refreshed by statement
triggers on the phases whatever writes them (services, import, admin, raw SQL, the demo
generator's COPY). A table of its own, not columns of the trajectory: a change of hours is not a
change of the trajectory (no new version for a form open on it, no event in its history).

`REFRESH_FUNCTION` is the one definition: the triggers call it for the trajectories a statement
touched, a migration for every trajectory.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from trajectories.models.summaries import figures_summary_triggers
from trajectories.models.trajectories import Trajectory

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION trajectories_figures_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM trajectories_trajectoryfigures f
     WHERE f.trajectory_id = ANY(ids)
       AND NOT EXISTS (SELECT 1 FROM trajectories_phaserecord p
                        WHERE p.trajectory_id = f.trajectory_id);
    INSERT INTO trajectories_trajectoryfigures AS f
           (trajectory_id, hours_total, fees_total, running_deadline)
    SELECT p.trajectory_id, coalesce(sum(p.hours), 0), sum(p.fee_amount),
           max(p.deadline) FILTER (WHERE p.end_date IS NULL)
      FROM trajectories_phaserecord p
     WHERE p.trajectory_id = ANY(ids)
     GROUP BY p.trajectory_id
     -- In key order: two statements refreshing the same trajectories lock them alike.
     ORDER BY p.trajectory_id
    ON CONFLICT (trajectory_id) DO UPDATE
       SET hours_total = EXCLUDED.hours_total, fees_total = EXCLUDED.fees_total,
           running_deadline = EXCLUDED.running_deadline
     WHERE (f.hours_total, f.fees_total, f.running_deadline)
           IS DISTINCT FROM (EXCLUDED.hours_total, EXCLUDED.fees_total, EXCLUDED.running_deadline);
$$;
"""

REFRESH_ALL = (
    "SELECT trajectories_figures_refresh(ARRAY(SELECT DISTINCT trajectory_id "
    "FROM trajectories_phaserecord))"
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


class TrajectoryFigures(models.Model):
    """Derived data, written only by the database (see the module's docstring)."""

    trajectory = models.OneToOneField(
        Trajectory, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    hours_total = models.DecimalField(_("hours"), max_digits=10, decimal_places=2, default=0)
    fees_total = models.DecimalField(_("fees (EUR)"), max_digits=12, decimal_places=2, null=True)
    running_deadline = models.DateField(_("deadline of the running phase"), null=True)

    class Meta:
        # The hours of each trajectory are summed per month and mandate too.
        triggers = figures_summary_triggers()
        verbose_name = _("figures of a trajectory")
        verbose_name_plural = _("figures of trajectories")
        indexes = [
            # The listing sorted by hours or fees reads its first page here.
            models.Index(fields=["hours_total", "trajectory"], name="figures_hours"),
            models.Index(fields=["fees_total", "trajectory"], name="figures_fees"),
            models.Index(fields=["running_deadline"], name="figures_running_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.hours_total} h, {self.fees_total} EUR"
