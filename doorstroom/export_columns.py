"""Exports whose rows are a queryset's values, each column declared once.

A `Column` says what a column is: its header, the value it reads from the export's queryset (a
field path or an annotation), the kind of cell it writes and, for a stored choice, its labels.
`ColumnsExport` turns the declaration into both ways of writing the rows: in Python
(`rows_for`, for XLSX and where COPY cannot be used) and as one statement for PostgreSQL's COPY
(`copy_sql`), made by compiling the very queryset the Python rows read, so the two cannot
drift apart (`tests/test_exports_golden.py` holds them to the same bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import QuerySet

from doorstroom.exports import Cell, Dialect, Export
from doorstroom.sql import (
    select_sql,
    sql_boolean,
    sql_choice,
    sql_date,
    sql_number,
    sql_text,
)

KINDS = ("text", "number", "date", "boolean")


@dataclass(frozen=True)
class Column:
    header: str
    value: str  # a field path or an annotation of the export's queryset
    kind: str = "text"
    # Stored value -> label in the active language, for a column of a choice.
    labels: Callable[[], Mapping[Any, str]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"A column is one of {KINDS}, not {self.kind!r}.")


class ColumnsExport(Export):
    """An export of `columns` read from its queryset (`self.queryset`, filtered)."""

    columns: ClassVar[tuple[Column, ...]]

    def header(self) -> Sequence[str]:
        return [column.header for column in self.columns]

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.values_list(*(column.value for column in self.columns))

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        labels = [column.labels() if column.labels else None for column in self.columns]
        if not any(labels):
            yield from self.values(queryset).iterator(chunk_size=5000)
            return
        # Plain tuples rather than model instances: half the time on a million rows.
        for row in self.values(queryset).iterator(chunk_size=5000):
            yield tuple(
                value if named is None else named.get(value)
                for value, named in zip(row, labels, strict=True)
            )

    def copy_sql(self, dialect: Dialect) -> tuple[str, list] | None:
        """The rows of `rows_for` as COPY writes them: the compiled queryset, its stored choices
        turned into labels, then every value into its CSV cell (in two steps, as `sql_text`
        repeats its expression and a label is a parameter)."""
        assert self.queryset is not None
        queryset = self.values(self.queryset)
        compiled = select_sql(queryset)
        if compiled is None:  # nothing can match (a user without a scope): the Python path
            return None
        inner, inner_params = compiled
        names = [f"c{number}" for number in range(len(self.columns))]
        label_params: list = []
        labelled = [
            sql_choice(name, column.labels(), label_params) if column.labels else name
            for name, column in zip(names, self.columns, strict=True)
        ]
        cell_params: list = []
        writers = {
            "text": sql_text,
            "number": lambda cell: sql_number(cell, dialect),
            "date": sql_date,
            "boolean": lambda cell: sql_boolean(cell, cell_params),
        }
        cells = [
            writers[column.kind](name) for name, column in zip(names, self.columns, strict=True)
        ]
        columns = ", ".join(names)
        select = (
            f"SELECT {', '.join(cells)} FROM (SELECT {', '.join(labelled)} "
            f"FROM ({inner}) AS t ({columns})) AS labelled ({columns})"
        )
        # In the statement's order: the words of the booleans, the labels, the queryset's own.
        return select, [*cell_params, *label_params, *inner_params]
