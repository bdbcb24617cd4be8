"""The SQL the application writes by hand, in one place: CSV streamed through PostgreSQL's
COPY, the cells of such a CSV, and the statements where the ORM would take several round trips or
read row by row (the breakdowns of started trajectories, the estimated size of a table, bulk
writes of the import and the demo generator).

What the database enforces by itself is declared beside the model it guards instead: triggers
with pgtrigger in the models' Meta, the function behind the figures of a trajectory (and the
triggers on the mandates tables that keep its sort keys) in `trajectories.models.figures`, the
audit trail's roles and grants in `doorstroom.auditdb`, each installed by a migration.

An export over many rows may offer `copy_sql(dialect)`: a SELECT whose columns are already the
CSV cells as text, built with the `sql_*` helpers below so that COPY writes the very cells
`csv_cell` writes (`doorstroom.exports`): formulas neutralised, numbers in the dialect's
notation, dates in ISO, booleans and choice labels in the export's language (as parameters,
never in the SQL text). `iter_csv_bytes` then streams the rows straight out of `COPY ... TO
STDOUT` (a million rows in seconds instead of a minute, at a flat memory), byte for byte the file
`iter_csv` writes; an export without it streams from Python in blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from doorstroom.exports import (
    DEFAULT_DIALECT,
    FORMULA_TRIGGERS,
    Dialect,
    Export,
    export_header,
    get_dialect,
    iter_csv_rows,
    yes_no,
)
from doorstroom.languages import iterate_in

# Rows are sent on in blocks of about this size: few, large writes to the client.
COPY_BLOCK_BYTES = 256 * 1024


def iter_csv_bytes(export: Export, dialect_name: str = DEFAULT_DIALECT) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks, in the language of the export: through PostgreSQL COPY when the
    export offers it."""
    dialect = get_dialect(dialect_name)
    header = export_header(export)
    with translation.override(export.language):
        copy = export.copy_sql(dialect)
    if copy is None:
        lines = iter_csv_rows(header, export.rows(), dialect_name)
        return iterate_in(export.language, _blocks(lines))
    return _iter_copy(header, dialect, *copy)


def write_csv(export: Export, stream: BinaryIO, dialect_name: str = DEFAULT_DIALECT) -> None:
    """The CSV into a binary file, through COPY when the export offers it."""
    for chunk in iter_csv_bytes(export, dialect_name):
        stream.write(chunk)


def _blocks(lines: Iterator[str]) -> Iterator[bytes]:
    """The header at once, then the rows in blocks: a write to the client per row would cost
    more than the row itself."""
    yield next(lines).encode("utf-8")
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= COPY_BLOCK_BYTES:
            yield "".join(block).encode("utf-8")
            block, size = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def _iter_copy(header: Sequence[str], dialect: Dialect, select: str, params) -> Iterator[bytes]:
    """The rows as COPY writes them: every label is a parameter of `select`, already in the
    export's language."""
    yield next(iter_csv_rows(header, (), dialect.name)).encode("utf-8")
    # An empty string is written as NULL, so it stays an empty cell (COPY would write "").
    statement = (
        f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER '{dialect.delimiter}', "
        "NULL '', ENCODING 'UTF8')"
    )
    block = bytearray()
    # One transaction for the download (a savepoint inside a caller's). When the client goes
    # away, the server closes this generator: the COPY is cancelled and the block rolls back.
    with transaction.atomic(), connection.cursor() as cursor:
        # Compiling the statement to machine code (JIT) costs half a second before the first
        # row of a big export and saves nothing on its total: off for this transaction only.
        cursor.execute("SET LOCAL jit = off")
        # Django's debug wrapper (query logging, CaptureQueriesContext) takes no parameters for
        # COPY, so they are bound here, as psycopg's client-side binding would bind them.
        if params:
            statement = cursor.mogrify(statement, params)
        with cursor.copy(statement) as copy:
            # COPY sends one row per message, ending in a bare newline that is never inside a
            # quoted field; the csv module ends rows with CRLF.
            for row in copy:
                block += row[:-1]
                block += b"\r\n"
                if len(block) >= COPY_BLOCK_BYTES:
                    yield bytes(block)
                    block.clear()
    if block:
        yield bytes(block)


# --- the cells in SQL ------------------------------------------------------------------------


def select_sql(queryset: QuerySet) -> tuple[str, Sequence[Any]] | None:
    """A queryset's SELECT and its parameters, to build a larger statement on; None when the
    queryset can match no row (Django has no SQL for it then, e.g. for a user without a scope)."""
    try:
        return queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return None


def sql_text(expression: str) -> str:
    """SQL for a text cell: empty is NULL, formula triggers are neutralised as in `neutralise`."""
    triggers = ", ".join(f"chr({ord(ch)})" for ch in FORMULA_TRIGGERS)
    return (
        f"CASE WHEN left({expression}, 1) IN ({triggers}) THEN chr(39) || ({expression}) "
        f"ELSE NULLIF({expression}, '') END"
    )


def sql_number(expression: str, dialect: Dialect) -> str:
    """SQL for an integer or numeric cell, written as `csv_cell` writes an int or a Decimal."""
    if dialect.decimal_separator == ".":
        return f"({expression})::text"
    return f"replace(({expression})::text, '.', '{dialect.decimal_separator}')"


def sql_date(expression: str) -> str:
    return f"to_char({expression}, 'YYYY-MM-DD')"


def sql_boolean(expression: str, params: list) -> str:
    """SQL for a boolean cell, written as `csv_cell` writes it (appends the words to `params`)."""
    params += yes_no()
    return f"CASE WHEN {expression} THEN %s WHEN NOT {expression} THEN %s END"


def sql_choice(expression: str, labels: Mapping[Any, str], params: list) -> str:
    """SQL for a stored value's label (appends them to `params`); wrap it in `sql_text` in an
    outer SELECT, as `sql_text` repeats its expression."""
    cases = []
    for value, label in labels.items():
        cases.append("WHEN %s THEN %s")
        params += [value, label]
    return f"(CASE {expression} {' '.join(cases)} END)"


# --- statements the applications run -----------------------------------------------------------
# Where the ORM would take several round trips or read row by row. Table names are filled in by
# the caller from the models' Meta (`.format(...)`), values always as parameters.

# The four breakdowns of trajectory-stats and the dashboard's phase by status in one statement,
# with the calls and provinces that label them (also those with no trajectory): one compiled
# queryset and one round trip, where the ORM would compile and send six queries. `visible` is
# (mandate, current phase, status, number of trajectories): a row per trajectory (n = 1) or a
# row of the summary per month kept by the database (`trajectories.models.summaries`). Plain
# sums are exact: a trajectory has one call, one phase and one status, and meets each province
# of its mandate once (mandate_province_once) or none. A row is (breakdown, position, key as
# JSON, title, count); the position is the reference table's own order, so calls and provinces
# come out as everywhere else. The rows are summed once per mandate, phase and status (at most a
# few hundred, whatever the size) before the five breakdowns read them.
STARTED_COUNTS = """
WITH visible (mandate_id, current_phase, status, n) AS MATERIALIZED (
    SELECT v.mandate_id, v.current_phase, v.status, SUM(v.n)::bigint
      FROM ({visible}) AS v (mandate_id, current_phase, status, n)
     GROUP BY 1, 2, 3)
SELECT 'call', row_number() OVER (ORDER BY c.display_order, c.number), to_jsonb(c.number),
       c.title, COALESCE(SUM(v.n), 0)::bigint
  FROM {call} c
  LEFT JOIN {mandate} m ON m.call_id = c.id
  LEFT JOIN visible v ON v.mandate_id = m.id
 GROUP BY c.id
UNION ALL
SELECT 'province', row_number() OVER (ORDER BY p.name), to_jsonb(p.name), NULL,
       COALESCE(per.n, 0)
  FROM (SELECT mp.province_id, SUM(v.n)::bigint AS n
          FROM visible v LEFT JOIN {mandate_province} mp ON mp.mandate_id = v.mandate_id
         GROUP BY mp.province_id) AS per
  FULL JOIN {province} p ON p.id = per.province_id
UNION ALL
SELECT 'phase', 0, to_jsonb(per.key), NULL, per.n
  FROM (SELECT current_phase AS key, SUM(n)::bigint AS n FROM visible GROUP BY 1) AS per
UNION ALL
SELECT 'status', 0, to_jsonb(per.key), NULL, per.n
  FROM (SELECT status AS key, SUM(n)::bigint AS n FROM visible GROUP BY 1) AS per
UNION ALL
SELECT 'grid', 0, jsonb_build_array(per.phase, per.status), NULL, per.n
  FROM (SELECT current_phase AS phase, status, SUM(n)::bigint AS n FROM visible GROUP BY 1, 2)
       AS per
ORDER BY 1, 2
"""

# What a user without a scope sees: no trajectory (the calls and provinces still list, at 0).
NOTHING_VISIBLE = (
    "SELECT NULL::bigint, NULL::smallint, NULL::varchar, NULL::bigint WHERE false",
    [],
)

# Rows of a table in one query: the planner's estimate for a big table (pg_class.reltuples, kept
# by autovacuum), an exact count for a small one, whose statistics are the least reliable. The
# uncorrelated subquery is an InitPlan, run only when the CASE needs it.
TABLE_ROWS = (
    "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "
    "ELSE (SELECT count(*) FROM {table}) END "
    "FROM pg_class WHERE oid = to_regclass(%s)"
)

# Deferred constraints (a completed trajectory needs its Nazorg) checked now, not at commit.
CONSTRAINTS_NOW = "SET CONSTRAINTS ALL IMMEDIATE"
# A completed trajectory needs its Nazorg (trajectories migration 0007): checked at commit, for a
# writer that writes the trajectories before their phases (the demo generator).
COMPLETED_WITH_NAZORG_AT_COMMIT = "SET CONSTRAINTS trajectory_completed_with_nazorg DEFERRED"

DEMO_PHASES_DELETE = (
    "DELETE FROM trajectories_phaserecord WHERE trajectory_id IN "
    "(SELECT id FROM trajectories_trajectory WHERE is_demo)"
)
DEMO_TRAJECTORIES_DELETE = "DELETE FROM trajectories_trajectory WHERE is_demo"
DEMO_WORKERS_DELETE = (
    "DELETE FROM trajectories_worker w WHERE is_demo AND NOT EXISTS "
    "(SELECT 1 FROM trajectories_trajectory t WHERE t.worker_id = w.id)"
)


# The version of the filter forms' choices, bumped by the database (migration
# doorstroom/0005_filter_choices_version; doorstroom.filter_forms).
CHOICES_VERSION = "SELECT version FROM doorstroom_choicesversion WHERE id = 1"

# A view of personal data logged by one statement whose commit does not wait for the disk
# (doorstroom.access.personal_data_access_log): set_config(..., true) holds for the statement's
# own transaction, and PostgreSQL reads synchronous_commit when it commits it.
ACCESS_LOG_INSERT = (
    "INSERT INTO doorstroom_personaldataaccess (user_id, at, action, subject) "
    "SELECT %s, %s, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s"
)

# ANALYZE of the tables a bulk load fills, as their owner (migration
# trajectories/0011_analyze_after_bulk_loads): the application role may not ANALYZE them itself.
ANALYZE_FILLED = "SELECT trajectories_analyze_filled()"


def reserve_ids(cursor, table: str, count: int) -> list[int]:
    """`count` keys of `table` taken from its sequence at once, for rows written by COPY."""
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
        [count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_rows(cursor, table: str, columns: str, rows: Iterator[tuple]) -> None:
    """Rows written by COPY FROM, the fastest way in (the demo generator's million rows)."""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def update_from_values(model, objects: Iterable, fields: list[str], batch_size: int = 5000) -> None:
    """UPDATE ... FROM unnest(arrays): one statement per batch. Django's bulk_update writes a CASE
    per field that PostgreSQL evaluates row by row, which takes seconds on thousands of rows."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    # One array parameter per column: a statement with tens of thousands of placeholders costs
    # more to build than to run.
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in [pk, *columns])
    names = ", ".join(quote(c.column) for c in columns)
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v(pk, {names}) WHERE t.{quote(pk.column)} = v.pk"
    )
    objects = list(objects)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            chunk = objects[start : start + batch_size]
            params = [[obj.pk for obj in chunk]]
            for column in columns:
                params.append(
                    [
                        column.get_db_prep_save(getattr(obj, column.attname), connection)
                        for obj in chunk
                    ]
                )
            cursor.execute(sql, params)


# A job's progress (doorstroom.jobs.running.Progress), written outside the work's transaction;
# the status it returns says whether the job was asked to stop.
JOB_PROGRESS = "UPDATE doorstroom_job SET done = %s, total = %s WHERE id = %s RETURNING status"


# The audit events list (doorstroom.audit_admin): a page's keys read from every event table at
# once, each table walked along its (pgh_created_at, pgh_id) index for its first `enough` rows in
# the page's order: the page is among them, whichever table its events come from. The record
# type and the event model are the same on every row of a table, so they only order the tables.
EVENT_KEYS_BRANCH = (
    "(SELECT %s AS pgh_model, %s AS pgh_obj_model, pgh_id, pgh_created_at FROM {table}{where} "
    "ORDER BY pgh_created_at {direction}, pgh_id {direction} LIMIT %s)"
)
EVENT_COUNT_BRANCH = "(SELECT count(*) FROM {table}{where})"


def event_keys(
    tables: Sequence[tuple[str, str, str]],
    label: str | None,
    order_by: Sequence[str],
    descending: bool,
    offset: int,
    limit: int,
) -> list[tuple[str, int]]:
    """(event model, pgh_id) of the events `offset` to `offset + limit` over `tables` (table,
    event model label, record type label), with the label `label` if given, in `order_by`
    (columns of EVENT_KEYS_BRANCH with ASC or DESC; `descending`: the direction of time)."""
    if not tables or limit <= 0:
        return []
    where, label_params = _event_label(label)
    direction = "DESC" if descending else "ASC"
    branches, params = [], []
    for table, model, obj_model in tables:
        branches.append(
            EVENT_KEYS_BRANCH.format(
                table=connection.ops.quote_name(table), where=where, direction=direction
            )
        )
        params += [model, obj_model, *label_params, offset + limit]
    sql = (
        f"SELECT pgh_model, pgh_id FROM ({' UNION ALL '.join(branches)}) AS events "
        f"ORDER BY {', '.join(order_by)} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return cursor.fetchall()


def event_count(tables: Sequence[str], label: str | None) -> int:
    """How many events `tables` hold (with the label `label` if given)."""
    if not tables:
        return 0
    where, label_params = _event_label(label)
    counts = [
        EVENT_COUNT_BRANCH.format(table=connection.ops.quote_name(table), where=where)
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {' + '.join(counts)}", label_params * len(tables))
        return cursor.fetchone()[0]


def _event_label(label: str | None) -> tuple[str, list]:
    return (" WHERE pgh_label = %s", [label]) if label is not None else ("", [])
