"""The summaries per month (migration 0013) are filled by the same bulk loads, through their
triggers: the function of migration 0011 analyzes them too."""

from django.db import migrations

REPLACE = """
DO $do$ BEGIN
EXECUTE format(
    'CREATE OR REPLACE FUNCTION trajectories_analyze_filled() RETURNS void '
    'LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_temp AS %L',
    current_schema(), 'BEGIN ANALYZE {tables}; END;');
END $do$;
"""
BEFORE = [
    "trajectories_worker",
    "trajectories_trajectory",
    "trajectories_phaserecord",
    "trajectories_trajectoryfigures",
]
SUMMARIES = [
    "trajectories_startedsummary",
    "trajectories_endedsummary",
    "trajectories_completedphasesummary",
    "trajectories_runningphasesummary",
    "trajectories_runningphasedaysummary",
]


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0014_import_jobs")]

    operations = [
        migrations.RunSQL(
            REPLACE.format(tables=", ".join(BEFORE + SUMMARIES)),
            REPLACE.format(tables=", ".join(BEFORE)),
        )
    ]
