"""Statistics after bulk loads (issue 21): a function that ANALYZEs the tables the demo generator
and a large import fill, for the application role, which owns no table and so may not ANALYZE
one itself. It runs as its owner (SECURITY DEFINER) on a fixed list of tables: no argument
chooses a table. A freshly generated million served the listing in 1.0 to 1.7 s until
PostgreSQL analyzed it (40 ms after): autovacuum gets to it only minutes later."""

from django.db import migrations
from psycopg import sql

FUNCTION = """
CREATE OR REPLACE FUNCTION trajectories_analyze_filled() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$
BEGIN
    ANALYZE trajectories_worker, trajectories_trajectory, trajectories_phaserecord,
            trajectories_trajectoryfigures;
END;
$$;
"""


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = sql.Identifier(cursor.fetchone()[0])
        statement = sql.SQL(FUNCTION).format(schema=schema)
        cursor.execute(statement.as_string(cursor.cursor.connection))


class Migration(migrations.Migration):

    dependencies = [
        ("trajectories", "0010_trajectory_figures"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop),
        migrations.RunSQL(
            migrations.RunSQL.noop, "DROP FUNCTION IF EXISTS trajectories_analyze_filled()"
        ),
    ]
