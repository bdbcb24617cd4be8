"""CSV streamed through PostgreSQL's COPY, and the SQL for an export's cells.

An export over many rows may offer `copy_sql(dialect)`: a SELECT whose columns are already the
CSV cells as text, built with the `sql_*` helpers below so that COPY writes the very cells
`csv_cell` writes (`doorstroom.exports`): formulas neutralised, numbers in the dialect's
notation, dates in ISO, booleans and choice labels in the export's language (as parameters,
never in the SQL text). `iter_csv_bytes` then streams the rows straight out of `COPY ... TO
STDOUT` (a million rows in seconds instead of a minute, at a flat memory), byte for byte the file
`iter_csv` writes; an export without it streams from Python in blocks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
