"""The version of what the filter forms offer as choices (issue 21, throughput): a counter the
database bumps on every statement that writes a table a filter's choices are read from (every
table of the mandates and pilots apps, the users' scopes and roles), whatever writes it. A
worker process keeps the rendered filter forms for the version it read (doorstroom.filter_forms)
and renders them again once it changes: no state outside the database decides what is shown."""

from django.db import migrations
from psycopg import sql

# Besides every table of these apps at this migration (tests/test_filter_form_cache.py checks
# that every table of theirs has the trigger).
APPS = ("mandates", "pilots")
OTHER_TABLES = ("doorstroom_userscope", "auth_user_groups", "auth_group", "auth_user")

CREATE = """
CREATE TABLE doorstroom_choicesversion (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO doorstroom_choicesversion VALUES (1, 0);
CREATE FUNCTION doorstroom_choices_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE doorstroom_choicesversion SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
"""

TRIGGER = (
    "CREATE TRIGGER choices_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {} "
    "FOR EACH STATEMENT EXECUTE FUNCTION doorstroom_choices_version_bump()"
)


def tables(apps) -> list[str]:
    names = set(OTHER_TABLES)
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            names.add(model._meta.db_table)
    return sorted(names)


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE)
        for table in tables(apps):
            statement = sql.SQL(TRIGGER).format(sql.Identifier(table))
            cursor.execute(statement.as_string(cursor.cursor.connection))


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in tables(apps):
            statement = sql.SQL("DROP TRIGGER IF EXISTS choices_version_bump ON {}")
            cursor.execute(
                statement.format(sql.Identifier(table)).as_string(cursor.cursor.connection)
            )
        cursor.execute(
            "DROP FUNCTION doorstroom_choices_version_bump() CASCADE; "
            "DROP TABLE doorstroom_choicesversion"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("doorstroom", "0004_account_versions"),
        ("mandates", "0002_optimistic_lock_versions"),
        ("pilots", "0002_optimistic_lock_versions"),
    ]

    operations = [migrations.RunPython(create, drop)]
