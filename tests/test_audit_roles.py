"""The application's database role adds to the audit trail and reads it, and can do no more.

The tests run as the application role (tests/conftest.py), as production does.
"""

import pghistory
import pytest
from django.db import ProgrammingError, connection, transaction
from pghistory.models import Context
from psycopg import sql

from doorstroom import auditdb, dbroles
from mandates.models import Mandate, MandateEvent

REFUSED = "permission denied|must be owner"
APPEND_ONLY = "pgtrigger_append_only_655c0"


def refused(statement: str, params=()) -> None:
    with (
        pytest.raises(ProgrammingError, match=REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


@pytest.fixture
def event(seed):
    with pghistory.context(user=1, url="/beheer/"):
        Mandate.objects.filter(project_number=6441).update(name="Iets anders")
    return MandateEvent.objects.filter(pgh_obj__project_number=6441).latest("pgh_id")


def test_the_suite_runs_as_an_application_role_that_owns_nothing(db):
    assert dbroles.is_separate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is False


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE mandates_mandateevent SET name = 'vervalst' WHERE pgh_id = %s",
        "DELETE FROM mandates_mandateevent WHERE pgh_id = %s",
    ],
)
def test_the_application_cannot_change_or_delete_an_event(event, statement):
    refused(statement, [event.pk])
    assert MandateEvent.objects.get(pk=event.pk).name == "Iets anders"


def test_the_application_cannot_truncate_an_event_table(event):
    refused("TRUNCATE mandates_mandateevent")
    assert MandateEvent.objects.filter(pk=event.pk).exists()


def test_ignoring_the_append_only_trigger_does_not_help(event):
    """pgtrigger.ignore switches the trigger off; the privilege still refuses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + APPEND_ONLY + "}"])
    refused("UPDATE mandates_mandateevent SET name = 'vervalst' WHERE pgh_id = %s", [event.pk])
    refused("DELETE FROM mandates_mandateevent WHERE pgh_id = %s", [event.pk])
    assert MandateEvent.objects.get(pk=event.pk).name == "Iets anders"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE pghistory_context SET metadata = '{\"user\": 999}' WHERE id = %s",
        "DELETE FROM pghistory_context WHERE id = %s",
        "TRUNCATE pghistory_context CASCADE",
    ],
)
def test_the_application_cannot_rewrite_who_and_where(event, statement):
    refused(statement, [event.pgh_context_id] if "%s" in statement else [])
    assert Context.objects.get(pk=event.pgh_context_id).metadata == {"user": 1, "url": "/beheer/"}


def test_a_context_id_set_by_hand_does_not_rewrite_its_context(event):
    """The context function never updates: other metadata under an old id is a new context."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', '{\"user\": 999}', true)",
            [str(event.pgh_context_id)],
        )
        cursor.execute("UPDATE mandates_mandate SET name = 'Nog iets' WHERE project_number = 6441")
    assert Context.objects.get(pk=event.pgh_context_id).metadata == {"user": 1, "url": "/beheer/"}
    forged = MandateEvent.objects.filter(pgh_obj__project_number=6441).latest("pgh_id")
    assert forged.pgh_context_id != event.pgh_context_id
    assert forged.pgh_context.metadata == {"user": 999}


@pytest.mark.parametrize(
    "statement",
    [
        f"DROP TRIGGER {APPEND_ONLY} ON mandates_mandateevent",
        f"ALTER TRIGGER {APPEND_ONLY} ON mandates_mandateevent RENAME TO weg",
        f"DROP TRIGGER {auditdb.CHAIN_TRIGGER} ON mandates_mandateevent",
        f"ALTER TRIGGER {auditdb.CHAIN_TRIGGER} ON mandates_mandateevent RENAME TO weg",
        f"DROP TRIGGER {auditdb.CHAIN_TRIGGER} ON pghistory_context",
        "ALTER TABLE mandates_mandateevent DISABLE TRIGGER ALL",
        "DROP TABLE mandates_mandateevent",
    ],
)
def test_the_application_cannot_drop_or_alter_the_triggers(db, statement):
    refused(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE doorstroom_auditlink SET hash = ''",
        "DELETE FROM doorstroom_auditlink",
        "INSERT INTO doorstroom_auditlink VALUES (0, 'x', 'y', '')",
        "TRUNCATE doorstroom_auditlink",
    ],
)
def test_the_application_cannot_write_the_chain(db, statement):
    refused(statement)


def test_the_application_still_records_events_with_their_context(event):
    assert event.pgh_label == "update"
    assert event.pgh_context.metadata == {"user": 1, "url": "/beheer/"}


def test_the_application_cannot_switch_off_the_recording_of_its_changes(event):
    """pgtrigger.ignore, which any role may set, skips nothing for the application."""
    recorders = ("pgtrigger_update_update_8d76a", "pgtrigger_version_bump_5729c")
    mandate = Mandate.objects.get(project_number=6441)
    before = MandateEvent.objects.filter(pgh_obj=mandate).count()
    version = mandate.version
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(recorders) + "}"]
        )
        cursor.execute("UPDATE mandates_mandate SET name = 'Stil' WHERE id = %s", [mandate.pk])
    assert MandateEvent.objects.filter(pgh_obj=mandate).count() == before + 1
    mandate.refresh_from_db()
    assert mandate.version == version + 1


def test_the_owner_still_may_skip_a_trigger(event, owner_sql):
    """Migrations and the demo generator run as the owner and skip triggers on purpose."""
    mandate = Mandate.objects.get(project_number=6441)
    before = MandateEvent.objects.filter(pgh_obj=mandate).count()
    with owner_sql.transaction():
        owner_sql.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{pgtrigger_update_update_8d76a}"]
        )
        owner_sql.execute("UPDATE mandates_mandate SET name = 'Stil' WHERE id = %s", [mandate.pk])
    assert MandateEvent.objects.filter(pgh_obj=mandate).count() == before


def event_sequences() -> list[str]:
    """The sequences that number the events (of every event table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                "SELECT pg_get_serial_sequence(%s, %s)" for _ in auditdb.audit_tables()
            ),
            [value for t in auditdb.audit_tables() for value in (t.name, t.key)],
        )
        return [name for (name,) in cursor.fetchall() if name]


def test_the_application_cannot_renumber_or_draw_event_numbers(event):
    """An event's number is drawn by its INSERT (an identity column needs no privilege on its
    sequence): the application may not set it back or draw numbers of its own."""
    sequences = event_sequences()
    assert "public.mandates_mandateevent_pgh_id_seq" in sequences
    for sequence in sequences:
        refused("SELECT setval(%s, 1)", [sequence])
        refused("SELECT nextval(%s)", [sequence])
        refused("SELECT last_value FROM " + sequence)
    # And the events are still recorded.
    with pghistory.context(user=2):
        Mandate.objects.filter(project_number=6441).update(name="Weer anders")
    assert MandateEvent.objects.filter(pgh_obj__project_number=6441).latest("pgh_id").pk > event.pk


@pytest.mark.parametrize("grantee", ["application", "PUBLIC"])
def test_the_application_cannot_create_objects_in_the_schema(owner_sql, grantee):
    """CREATE on the schema would let the application put a function of its own where the
    owner's functions (that run with the owner's rights) look for theirs. PUBLIC has it on
    PostgreSQL 14 and older; `migrate` takes it away, whoever was given it."""
    app = sql.Identifier(dbroles.application_role())
    to = app if grantee == "application" else sql.SQL("PUBLIC")
    owner_sql.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(to))
    try:
        with dbroles.as_owner():
            auditdb.install()  # as `migrate` does after migrating
        refused("CREATE TABLE doorstroom_mine (id int)")
        refused(
            "CREATE FUNCTION audit_link_hash(previous text) RETURNS bytea "
            "LANGUAGE sql AS $$ SELECT ''::bytea $$"
        )
    finally:
        owner_sql.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}, PUBLIC").format(app))
        # Were they made (this test failing), the next test would find them.
        owner_sql.execute("DROP TABLE IF EXISTS doorstroom_mine")
        owner_sql.execute("DROP FUNCTION IF EXISTS audit_link_hash(text)")
