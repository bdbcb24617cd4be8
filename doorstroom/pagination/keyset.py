"""Keyset positions: the sort values of a page's first and last row, signed, and the
condition that reads a page from them (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.constants import INNER
from django.utils.functional import cached_property

# The query parameters of a page link that carry the position it starts from (with the table's
# prefix): the sort values of the last row of the page before it, or of the first row after it.
AFTER = "after"
BEFORE = "before"

POSITION_SALT = "doorstroom.pagination.position"

# The column types whose values a position carries (as JSON) and compares (as SQL) faithfully.
SORTABLE_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "IntegerField",
    "SmallIntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "UUIDField",
}


@dataclass(frozen=True)
class SortColumn:
    """One column of an order: a field path or annotation as values_list() and filter() take it,
    its direction, whether it can be NULL, and the field that reads its value back."""

    path: str
    descending: bool
    nullable: bool
    field: Field

    @property
    def name(self) -> str:
        """As order_by() takes it."""
        return f"-{self.path}" if self.descending else self.path

    def reversed(self) -> SortColumn:
        return SortColumn(self.path, not self.descending, self.nullable, self.field)

    def beyond(self, value) -> Q | None:
        """Rows that come after `value` in this column alone, in PostgreSQL's order: NULL is
        larger than every value (last ascending, first descending). None when no row does."""
        if self.descending:
            if value is None:
                return Q(**{f"{self.path}__isnull": False})
            return Q(**{f"{self.path}__lt": value})
        if value is None:
            return None
        after = Q(**{f"{self.path}__gt": value})
        return after | Q(**{f"{self.path}__isnull": True}) if self.nullable else after

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})


def expand_order(model, name: str, query, nullable: bool = False) -> list[SortColumn] | None:
    """The columns PostgreSQL sorts on for one order_by() name, as Django's compiler expands it:
    a relation sorts on the related model's Meta.ordering (or its key). None for what a position
    cannot follow (expressions, transforms, many-valued relations, window functions or
    aggregates, a type outside SORTABLE_TYPES)."""
    descending = name.startswith("-")
    path = name.removeprefix("-")
    if query is not None and path in query.annotations:
        annotation = query.annotation_select.get(path)
        if annotation is None or annotation.contains_aggregate or annotation.contains_over_clause:
            return None
        column = SortColumn(
            path, descending, may_be_null(annotation, query), annotation.output_field
        )
        return [column] if sortable(column.field) else None
    opts = model._meta
    parts = path.split("__")
    for index, part in enumerate(parts):
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.many_to_many or field.one_to_many:
            return None
        nullable = nullable or field.null
        last = index == len(parts) - 1
        # Django sorts on a relation's model order, but never for "pk" or "<relation>_id".
        if field.is_relation and part not in ("pk", field.attname):
            related = field.related_model
            if not last:
                opts = related._meta
                continue
            if related._meta.ordering:
                return expand_relation(path, descending, related, nullable)
        if not last:
            return None
        if field.is_relation:
            field = field.target_field
        return [SortColumn(path, descending, nullable, field)] if sortable(field) else None
    return None


def may_be_null(annotation, query) -> bool:
    """Whether an annotation can be NULL: not for a NOT NULL column of the table or of one
    joined by an INNER JOIN (F("relation__column") of a relation that always exists), which
    lets `KeysetOrder.after` bound the index scan. Any other expression may be."""
    if not isinstance(annotation, Col) or annotation.target.null:
        return True
    join = query.alias_map.get(annotation.alias)
    return join is None or (join.join_type is not None and join.join_type != INNER)


def expand_relation(path: str, descending: bool, related, nullable: bool):
    columns = []
    for inner in related._meta.ordering:
        if not isinstance(inner, str):
            return None
        # "-employer" on a model ordered by "-name" sorts by name ascending.
        flipped = descending != inner.startswith("-")
        inner_name = ("-" if flipped else "") + inner.removeprefix("-")
        expanded = expand_order(related, inner_name, None, nullable=nullable)
        if expanded is None:
            return None
        columns += [
            SortColumn(f"{path}__{c.path}", c.descending, c.nullable, c.field) for c in expanded
        ]
    return columns


def sortable(field) -> bool:
    return field.get_internal_type() in SORTABLE_TYPES


def _json_value(value):
    """A sort value as JSON holds it: dates, decimals and UUIDs as text."""
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


@dataclass(frozen=True)
class KeysetOrder:
    """A queryset's order as the columns it sorts on, ending with the primary key so that every
    row has its own place; a page's position is the values of those columns in one row (the
    last of them its key)."""

    columns: tuple[SortColumn, ...]
    # The model whose rows it orders ("app.Model"): a position belongs to its list.
    model: str = ""

    @classmethod
    def of(cls, queryset: QuerySet) -> KeysetOrder | None:
        """The queryset's order (its order_by(), else the model's Meta.ordering) with the primary
        key added where it does not yet decide; None for an order this does not follow."""
        query = queryset.query
        model = queryset.model
        if query.extra_order_by or query.distinct or query.combinator:
            return None
        if query.order_by:
            names = list(query.order_by)
        elif query.default_ordering:
            names = list(model._meta.ordering)
        else:
            names = []
        columns: list[SortColumn] = []
        pk = model._meta.pk
        for name in names:
            if not isinstance(name, str) or name == "?":
                return None
            expanded = expand_order(model, name, query)
            if expanded is None:
                return None
            for column in expanded:
                if column.path not in {c.path for c in columns}:
                    columns.append(column)
        done = next(
            (i for i, c in enumerate(columns) if c.path in ("pk", pk.name, pk.attname)), None
        )
        if done is not None:
            columns = columns[: done + 1]
        else:
            descending = columns[-1].descending if columns else False
            columns.append(SortColumn("pk", descending, False, pk))
        return cls(tuple(columns), model._meta.label)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def paths(self) -> list[str]:
        return [column.path for column in self.columns]

    def reversed(self) -> KeysetOrder:
        return KeysetOrder(tuple(column.reversed() for column in self.columns), self.model)

    def after(self, values) -> Q:
        """Rows that come after the row with these values: (a, b, pk) > (va, vb, vpk) in the
        order's directions and NULL placement. A bound on the first column lets PostgreSQL start
        the index scan at the position instead of filtering its way there: on a NOT NULL column,
        or descending (NULL comes first, before any position with a value); not ascending on a
        column that may be NULL, whose NULL rows come after every value."""
        # The last column is the key, never NULL: rows beyond it always exist.
        condition = self.columns[-1].beyond(values[-1])
        for column, value in zip(self.columns[-2::-1], values[-2::-1], strict=True):
            beyond = column.beyond(value)
            tied = column.equal(value) & condition
            condition = tied if beyond is None else beyond | tied
        first, value = self.columns[0], values[0]
        bounded = not first.nullable or first.descending
        if bounded and value is not None and len(self.columns) > 1:
            lookup = "lte" if first.descending else "gte"
            condition &= Q(**{f"{first.path}__{lookup}": value})
        return condition

    @cached_property
    def fingerprint(self) -> str:
        return format(zlib.crc32(":".join([self.model, *self.names]).encode()), "08x")

    def encode(self, index: int, values) -> str:
        """A position for a link: a row's place in the list (from 0) and its sort values, with
        the order they belong to, signed: a position is only ever one this application made."""
        payload = [self.fingerprint, index, [_json_value(value) for value in values]]
        return signing.dumps(payload, salt=POSITION_SALT)

    def decode(self, token: str | None) -> tuple[int, list] | None:
        """The place and sort values of a position; None for a missing or unusable one (not
        made here, or made for another order)."""
        if not token:
            return None
        try:
            fingerprint, index, values = signing.loads(token, salt=POSITION_SALT)
            if fingerprint != self.fingerprint or len(values) != len(self.columns):
                return None
            return int(index), [
                None if value is None else column.field.to_python(value)
                for column, value in zip(self.columns, values, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, ValidationError):
            return None
