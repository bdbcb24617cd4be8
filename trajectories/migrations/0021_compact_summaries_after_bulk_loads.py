"""A bulk load (the demo generator, an import of 10,000 rows or more) rewrites the summaries per
month (migration 0013) before it analyzes them: within its one long transaction every statement
upserts the same summary rows again, and the dead versions stay in the table (at a million demo
trajectories 12,721 pages for 41,115 rows, 100 MB the dashboard and the hours page read whole:
90 ms for a query that takes 3 ms on the rewritten 387 pages). CLUSTER rewrites each on its key
(a few hundred milliseconds, the table locked meanwhile) as the owner; the application role may
not. A summary another transaction is writing is left as it is: its lock is waited for 200 ms
at most, so that a large import never deadlocks with a staff member's save (each waiting for the
other's lock on the summaries) and neither fails; the next bulk load, or autovacuum, tidies it.
Then the function of migrations 0011 and 0015 analyzes the tables, as before."""

from django.db import migrations

REPLACE = """
DO $do$ BEGIN
EXECUTE format(
    'CREATE OR REPLACE FUNCTION trajectories_analyze_filled() RETURNS void '
    'LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_temp AS %L',
    current_schema(), '{declare}BEGIN {compact} ANALYZE {tables}; END;');
END $do$;
"""
TABLES = [
    "trajectories_worker",
    "trajectories_trajectory",
    "trajectories_phaserecord",
    "trajectories_trajectoryfigures",
]
# Each summary and the unique index of its key.
SUMMARIES = {
    "trajectories_startedsummary": "started_summary_key",
    "trajectories_endedsummary": "ended_summary_key",
    "trajectories_completedphasesummary": "completed_phase_summary_key",
    "trajectories_runningphasesummary": "running_phase_summary_key",
    "trajectories_runningphasedaysummary": "running_phase_day_summary_key",
}
DECLARE = "DECLARE waited text := current_setting(''lock_timeout''); "
COMPACT = " ".join(
    [
        "PERFORM set_config(''lock_timeout'', ''200ms'', true);",
        *(
            f"BEGIN CLUSTER {table} USING {index}; "
            "EXCEPTION WHEN lock_not_available OR deadlock_detected THEN NULL; END;"
            for table, index in SUMMARIES.items()
        ),
        "PERFORM set_config(''lock_timeout'', waited, true);",
    ]
)


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0020_figures_promoter_key")]

    operations = [
        migrations.RunSQL(
            REPLACE.format(
                declare=DECLARE, compact=COMPACT, tables=", ".join([*TABLES, *SUMMARIES])
            ),
            REPLACE.format(declare="", compact="", tables=", ".join([*TABLES, *SUMMARIES])),
        )
    ]
