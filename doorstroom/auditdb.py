"""The audit trail's own database objects: its hash chain, its context function, its privileges.

All of it is hand-written SQL, kept here. `install()` runs as the owner after every `migrate`
(the migrate command), so event tables that later migrations add join the chain and get the
same privileges.

**The chain.** One chain runs over every event table and `pghistory_context`, in the order the
transactions commit: a link (`doorstroom_auditlink`) holds an event's table and key, its place
and the SHA-256 of the previous link's hash, its place, its table and the event row as JSON.
One chain rather than one per table, because a transaction that writes events of several
tables would otherwise lock several chain heads, in any order, and deadlock with another doing
the same; and one order over all tables is what a reader of the trail wants. The link is made
by a deferred constraint trigger, at commit: the lock that keeps links in one line is held only
while a transaction commits (not while an import runs for seconds, and never by a preview that
is rolled back). Taken that late, it meets another transaction's row locks only through a
deferred foreign-key check committing at the same moment; such a deadlock PostgreSQL detects
and ends by rolling one back. The trigger function runs as its owner (SECURITY DEFINER): the
application may read links, never write one.

**Contexts.** pghistory records who and where in `pghistory_context`, upserting the row of the
request's context id from a trigger, so the application role would need UPDATE on it. Here the
function (also SECURITY DEFINER) never updates a context: a context id met again with other
metadata gets a context of its own (derived from both), so every event keeps the who and where
it was written with, and no role but the owner can change one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from pghistory.models import Context, Event
from psycopg import sql

from doorstroom import dbroles

LINK_TABLE = "doorstroom_auditlink"
CHAIN_TRIGGER = "audit_chain_link"
# Any constant: the advisory lock that lets one committing transaction at a time extend the chain.
CHAIN_LOCK = 7_303_010_019


@dataclass(frozen=True)
class AuditTable:
    name: str
    key: str
    key_type: str


def audit_tables() -> list[AuditTable]:
    """Every event table (every concrete pghistory event model) and the context table."""
    tables = []
    for model in apps.get_models():
        if issubclass(model, Event) and model._meta.managed and not model._meta.proxy:
            tables.append(_table(model))
    tables.sort(key=lambda table: table.name)
    return [*tables, _table(Context)]


def _table(model) -> AuditTable:
    connection = connections["default"]
    return AuditTable(
        name=model._meta.db_table,
        key=model._meta.pk.column,
        key_type=model._meta.pk.rel_db_type(connection),
    )


# The one definition of what a link's hash covers, for the trigger and for audit_verify alike.
# JSON of timestamps follows the time zone and of floats extra_float_digits: both fixed.
HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_link_hash(
    previous bytea, place bigint, event_table text, event anyelement
) RETURNS bytea LANGUAGE sql STABLE
SET "TimeZone" = 'UTC' SET extra_float_digits = 1
AS $$
    SELECT sha256(convert_to(concat_ws('|',
        coalesce(encode(previous, 'hex'), ''), place, event_table, to_jsonb(event)::text
    ), 'UTF8'))
$$
"""

LINK_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$
DECLARE
    last_seq bigint;
    last_hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock({lock});
    SELECT seq, hash INTO last_seq, last_hash FROM {links} ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0) + 1;
    INSERT INTO {links} (seq, event_table, event_key, hash)
    VALUES (last_seq, TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0],
            audit_link_hash(last_hash, last_seq, TG_TABLE_NAME, NEW));
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION audit_chain_link() FROM PUBLIC
"""

# Replaces pghistory's _pgh_attach_context() (pghistory/models.py, Context): same settings
# read, same result, but it inserts and never updates.
CONTEXT_FUNCTION = """
CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$
DECLARE
    _id uuid;
    _metadata jsonb;
BEGIN
    BEGIN
        _id := current_setting('pghistory.context_id');
        _metadata := current_setting('pghistory.context_metadata');
    EXCEPTION WHEN OTHERS THEN
    END;
    IF _id IS NULL OR _metadata IS NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM pghistory_context WHERE id = _id AND metadata <> _metadata) THEN
        _id := md5(_id::text || _metadata::text)::uuid;
        IF EXISTS (SELECT 1 FROM pghistory_context WHERE id = _id AND metadata <> _metadata) THEN
            _id := gen_random_uuid();
        END IF;
    END IF;
    INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
    VALUES (_id, _metadata, now(), now())
    ON CONFLICT (id) DO NOTHING;
    RETURN _id;
END
$$
"""

ATTACH_TRIGGER = """
CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_chain_link({key})
"""

# A table that joins the chain brings the events it already holds (those written before the
# chain existed, or by a migration before its table had the trigger), once, in key order.
ADOPT_ROWS = """
DO $$
DECLARE
    e {table};
    last_seq bigint;
    last_hash bytea;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM {links} ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    FOR e IN SELECT * FROM {table} ORDER BY {key} LOOP
        last_seq := last_seq + 1;
        last_hash := audit_link_hash(last_hash, last_seq, {name}, e);
        INSERT INTO {links} (seq, event_table, event_key, hash)
        VALUES (last_seq, {name}, to_jsonb(e) ->> {key_name}, last_hash);
    END LOOP;
END
$$
"""


# pgtrigger skips a trigger named in the setting `pgtrigger.ignore`, which any role may set: the
# application could switch off the triggers that record its changes. The same function as
# pgtrigger's (same name and schema, which its triggers call), that lets only the database's
# owner (migrations, the demo generator) skip a trigger. Each trigger pgtrigger installs puts its
# own version back, so `install()` replaces it after every migrate.
IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    ignored TEXT[];
BEGIN
    IF NOT pg_has_role(
        current_user,
        (SELECT datdba FROM pg_database WHERE datname = current_database()),
        'MEMBER'
    ) THEN
        RETURN FALSE;
    END IF;
    BEGIN
        SELECT INTO ignored current_setting('pgtrigger.ignore');
    EXCEPTION WHEN OTHERS THEN
    END;
    RETURN coalesce(trigger_name = ANY(ignored), FALSE);
END;
$$
"""


def install(*, using: str = "default") -> None:
    """(Re)create the chain, the context function, the rule that only the owner may skip a
    trigger, and the application role's privileges.

    Runs as the owner: the functions it creates run with the owner's rights.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = sql.Identifier(cursor.fetchone()[0])
        cursor.execute(HASH_FUNCTION)
        cursor.execute(IGNORE_FUNCTION)
        _run(
            cursor,
            sql.SQL(LINK_FUNCTION).format(
                schema=schema, lock=sql.Literal(CHAIN_LOCK), links=sql.Identifier(LINK_TABLE)
            ),
        )
        _run(cursor, sql.SQL(CONTEXT_FUNCTION).format(schema=schema))
        for table in audit_tables():
            _join_chain(cursor, table)
        if dbroles.is_separate(using):
            _grant(cursor, schema=schema, role=dbroles.application_role(using))


def _join_chain(cursor, table: AuditTable) -> None:
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s",
        [table.name, CHAIN_TRIGGER],
    )
    if cursor.fetchone():
        return
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    _run(
        cursor,
        sql.SQL(ADOPT_ROWS).format(
            links=sql.Identifier(LINK_TABLE),
            name=sql.Literal(table.name),
            table=sql.Identifier(table.name),
            key=sql.Identifier(table.key),
            key_name=sql.Literal(table.key),
        ),
    )
    _run(
        cursor,
        sql.SQL(ATTACH_TRIGGER).format(
            trigger=sql.Identifier(CHAIN_TRIGGER),
            table=sql.Identifier(table.name),
            key=sql.Literal(table.key),
        ),
    )


def _grant(cursor, *, schema: sql.Identifier, role: str) -> None:
    """The application may do everything with its own tables, and only add to the trail."""
    cursor.execute(
        "SELECT rolsuper OR pg_has_role(rolname, current_user, 'MEMBER') "
        "FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        raise ImproperlyConfigured(f"The application's database role {role!r} does not exist.")
    if row[0]:
        raise ImproperlyConfigured(
            f"The application's database role {role!r} is a superuser or a member of the "
            "owner: it could rewrite the audit trail. Give it a role of its own (README)."
        )
    grantee = sql.Identifier(role)
    trail = sql.SQL(", ").join(sql.Identifier(t.name) for t in audit_tables())
    statements = [
        # CREATE in the schema would let the application put its own function where the
        # owner's SECURITY DEFINER functions look (their search_path is this schema): PUBLIC
        # holds it on PostgreSQL 14 and older, so it is taken from PUBLIC as well.
        "REVOKE CREATE ON SCHEMA {schema} FROM {role}, PUBLIC",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "REVOKE ALL ON {trail}, {links} FROM {role}, PUBLIC",
        "GRANT SELECT, INSERT ON {trail} TO {role}",
        "GRANT SELECT ON {links} TO {role}",
    ]
    for statement in statements:
        _run(
            cursor,
            sql.SQL(statement).format(
                schema=schema, role=grantee, trail=trail, links=sql.Identifier(LINK_TABLE)
            ),
        )
    _restrict_event_sequences(cursor, grantee)


def _restrict_event_sequences(cursor, grantee: sql.Identifier) -> None:
    """The sequences that number the events: nothing beyond what an INSERT needs, so that the
    application can neither set one back (setval) nor draw numbers (nextval) of its own. An
    identity column's INSERT needs no privilege on its sequence; a serial column's default
    calls nextval, which needs USAGE."""
    for table in audit_tables():
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s), attidentity <> '' FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s",
            [table.name, table.key, table.name, table.key],
        )
        sequence, identity = cursor.fetchone()
        if sequence is None:
            continue  # a key without a sequence (the contexts' uuid)
        # pg_get_serial_sequence gives the name quoted as needed, schema included.
        name = sql.SQL(sequence)
        _run(cursor, sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}, PUBLIC").format(name, grantee))
        if not identity:
            _run(cursor, sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(name, grantee))


@dataclass(frozen=True)
class Problem:
    """Something in the trail that the chain does not account for."""

    what: str
    event_table: str
    event_key: str | None
    seq: int | None = None

    def __str__(self) -> str:
        where = f"link {self.seq}: " if self.seq is not None else ""
        return f"{where}{self.what}: {self.event_table} {self.event_key}"


CHANGED = "event changed"
MISSING = "event missing"
UNLINKED = "event not in the chain"
GAP = "links missing before this one"
UNKNOWN = "link to a table outside the trail"

# Each link's hash recomputed from the event as it is now and the link before it as stored: a
# changed event breaks its own link, a changed or removed link the place or hash of the next.
VERIFY_LINKS = """
SELECT seq, event_table, event_key, problem, previous_seq FROM (
    SELECT l.seq, l.event_table, l.event_key, l.previous_seq,
           CASE l.event_table {cases} ELSE {unknown} END AS problem
    FROM (
        SELECT seq, event_table, event_key, hash,
               lag(seq) OVER w AS previous_seq, lag(hash) OVER w AS previous_hash
        FROM {links} WINDOW w AS (ORDER BY seq)
    ) l
) checked
WHERE problem IS NOT NULL OR coalesce(previous_seq, 0) <> seq - 1
ORDER BY seq
"""
VERIFY_CASE = """
WHEN {name} THEN nullif(coalesce((
    SELECT CASE WHEN l.hash = audit_link_hash(l.previous_hash, l.seq, l.event_table, e)
                THEN 'intact' ELSE {changed} END
    FROM {table} e WHERE e.{key} = l.event_key::{key_type}
), {missing}), 'intact')
"""
VERIFY_UNLINKED = """
SELECT e.{key}::text FROM {table} e
WHERE NOT EXISTS (
    SELECT 1 FROM {links} l WHERE l.event_table = {name} AND l.event_key = e.{key}::text
)
ORDER BY e.{key}
"""


@dataclass(frozen=True)
class Verification:
    links: int
    head: str
    problems: list[Problem]


def verify(*, using: str = "default") -> Verification:
    """Recompute the whole chain; every event, link and place that does not fit is a problem."""
    tables = audit_tables()
    links = sql.Identifier(LINK_TABLE)
    cases = sql.SQL(" ").join(
        sql.SQL(VERIFY_CASE).format(
            name=sql.Literal(t.name),
            table=sql.Identifier(t.name),
            key=sql.Identifier(t.key),
            key_type=sql.SQL(t.key_type),
            changed=sql.Literal(CHANGED),
            missing=sql.Literal(MISSING),
        )
        for t in tables
    )
    problems = []
    with connections[using].cursor() as cursor:
        _run(
            cursor,
            sql.SQL(VERIFY_LINKS).format(cases=cases, unknown=sql.Literal(UNKNOWN), links=links),
        )
        for seq, event_table, event_key, problem, previous_seq in cursor.fetchall():
            if (previous_seq or 0) != seq - 1:
                problems.append(Problem(GAP, event_table, event_key, seq))
                # Its hash covers the missing link's, not the one now before it.
                if problem == CHANGED:
                    continue
            if problem:
                problems.append(Problem(problem, event_table, event_key, seq))
        for t in tables:
            _run(
                cursor,
                sql.SQL(VERIFY_UNLINKED).format(
                    key=sql.Identifier(t.key),
                    table=sql.Identifier(t.name),
                    links=links,
                    name=sql.Literal(t.name),
                ),
            )
            problems += [Problem(UNLINKED, t.name, key) for (key,) in cursor.fetchall()]
        _run(
            cursor,
            sql.SQL(
                "SELECT seq, encode(hash, 'hex') FROM {links} ORDER BY seq DESC LIMIT 1"
            ).format(links=links),
        )
        last = cursor.fetchone()
    return Verification(
        links=last[0] if last else 0, head=last[1] if last else "", problems=problems
    )


def link_hash(seq: int, *, using: str = "default") -> str | None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT encode(hash, 'hex') FROM {} WHERE seq = %s")
            .format(sql.Identifier(LINK_TABLE))
            .as_string(cursor.cursor.connection),
            [seq],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _run(cursor, statement: sql.Composable) -> None:
    # As a string: Django's execute wrappers (pghistory's, pgtrigger's) expect one.
    cursor.execute(statement.as_string(cursor.cursor.connection))
