"""A paginator for big tables: no exact count of an unfiltered table, deep pages as fast as the
first.

Django's Paginator counts every row (COUNT(*) over a million trajectories on every page view) and
fetches a page with OFFSET on the full query, so PostgreSQL computes every annotation of every
skipped row: page 1,000 of the trajectory listing costs 25,000 times the per-row subqueries.

* The count of an unfiltered table comes from the planner's statistics (pg_class.reltuples, kept
  current by autovacuum); a filtered set is counted exactly.
* A page of a django-tables2 table first takes the primary keys of its rows with the query's own
  filters and order (the keys query: no joins or annotations but those the filters and the
  order need), then loads just those rows with everything the table shows: two queries for
  every page. The keys already carry the filters, so the rows are loaded from the view's
  unfiltered queryset when it gives one (`rows`, see `KeyedPageMixin`): a lookup by primary key
  whose plan does not depend on the filters or the size of the table. The admin's page is one
  query (see `_admin_page`).
* Keyset pagination: a page is not read by skipping the rows before it (OFFSET, whose cost grows
  with the depth) but from a position. A page knows the sort values of its first and last row
  (`Page.before` and `Page.after`, see `KeysetOrder`); its links to the pages around it carry
  them, and the page they lead to is read as `WHERE start_date <= d AND (start_date < d OR
  (start_date = d AND id < k)) ORDER BY start_date DESC, id DESC LIMIT 25`: an index scan that
  starts at the position, whatever the depth. The first page is read from the start and the
  last backwards from the end. A page number without a usable position (typed, or from a link
  made for another order) still works, by OFFSET.
* Where the count is an estimate, page numbers are approximate: pages reached by links count
  from the start, the last page is the real end. Until autovacuum analyzes the table again, an
  estimate below the real count leaves the rows between the two to filters and sorting, and
  one above it leaves the pages just before the last short or empty.
* A page is read from wherever the fewest rows are skipped: the start, the end (backwards) or
  the position its link gave. So page 2 linked from page 1,000 is read from the start, the
  page before the last from the end, a typed page number in the second half from the end.

Works with django-tables2 (`table_pagination = {"paginator_class": EstimatedCountPaginator}`),
where the object list is the table's rows, and with the admin (`ModelAdmin.paginator`), where it
is the queryset.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Field, Q, QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap and the statistics are least reliable.
ESTIMATE_FROM = 50_000

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


def table_row_count(queryset: QuerySet) -> int | None:
    """Rows of the queryset's table in one query: the planner's estimate for a big table, an
    exact count for a small one (whose statistics are the least reliable), so the number of
    queries does not depend on the size. None when the table is unknown to pg_class."""
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        # The uncorrelated subquery is an InitPlan, run only when the CASE needs it.
        cursor.execute(
            "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "
            f"ELSE (SELECT count(*) FROM {table}) END "
            "FROM pg_class WHERE oid = to_regclass(%s)",
            [ESTIMATE_FROM, queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def is_unfiltered(queryset: QuerySet) -> bool:
    query = queryset.query
    return (
        not query.where
        and not query.distinct
        and query.combinator is None
        and query.low_mark == 0
        and query.high_mark is None
    )


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
        column = SortColumn(path, descending, True, annotation.output_field)
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
        order's directions and NULL placement. A bound on the first column (when it is a plain
        NOT NULL column) lets PostgreSQL start the index scan at the position instead of
        filtering its way there."""
        # The last column is the key, never NULL: rows beyond it always exist.
        condition = self.columns[-1].beyond(values[-1])
        for column, value in zip(self.columns[-2::-1], values[-2::-1], strict=True):
            beyond = column.beyond(value)
            tied = column.equal(value) & condition
            condition = tied if beyond is None else beyond | tied
        first, value = self.columns[0], values[0]
        if not first.nullable and value is not None and len(self.columns) > 1:
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


class EstimatedCountPaginator(Paginator):
    def __init__(
        self,
        *args,
        rows: QuerySet | None = None,
        after: str | None = None,
        before: str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Where a page's rows are loaded from by key: the listing without its filters.
        self.rows = rows
        # The position the requested page starts from, if its link gave one (see KeysetOrder).
        self.position_after = after
        self.position_before = before

    def _queryset(self) -> QuerySet | None:
        data = self.object_list
        if isinstance(data, QuerySet):
            return data
        # django-tables2: BoundRows -> TableQuerysetData -> the (ordered) QuerySet.
        inner = getattr(getattr(data, "data", None), "data", None)
        return inner if isinstance(inner, QuerySet) else None

    @cached_property
    def count(self) -> int:
        queryset = self._queryset()
        if queryset is not None and is_unfiltered(queryset):
            rows = table_row_count(queryset)
            if rows is not None:
                return rows
        return super().count

    def page(self, number):
        queryset = self._queryset()
        if queryset is None or queryset.query.distinct:
            return super().page(number)
        if queryset is self.object_list:
            return self._admin_page(queryset, number)
        number = self.validate_number(number)
        order = KeysetOrder.of(queryset)
        if order is None:
            bottom, top = self._bounds(number)
            keys = list(queryset.values_list("pk")[bottom:top])
        else:
            # The keys with their sort values, the key last.
            directions = {
                forwards: ordered.values_list(*order.paths)
                for forwards, ordered in self._directions(queryset, order).items()
            }

            def read(forwards: bool, condition: Q | None, skip: int, size: int) -> list:
                keys = directions[forwards]
                if condition is not None:
                    keys = keys.filter(condition)
                return list(keys[skip : skip + size])

            keys = self._read(order, number, read)
        rows = queryset if self.rows is None else self.rows
        loaded = rows.filter(pk__in=[key[-1] for key in keys]).order_by()
        by_key = {record.pk: record for record in loaded}
        records = [by_key[key[-1]] for key in keys if key[-1] in by_key]
        page_rows = type(self.object_list)(
            records, table=self.object_list.table, pinned_data=self.object_list.pinned_data
        )
        return self._placed(self._get_page(page_rows, number, self), order, keys)

    def _admin_page(self, queryset: QuerySet, number):
        """The admin's page in one query, as its first page. Beyond the first and the last
        page, its keys are taken in a subquery (from the position where there is one, else by
        OFFSET: a narrow index scan either way), so that the listing's annotations and joins
        are computed for the page's rows alone. The rows carry their sort values as
        annotations (keyset_0, ...)."""
        order = KeysetOrder.of(queryset)
        if order is None:
            return super().page(number)
        number = self.validate_number(number)
        aliases = {f"keyset_{index}": F(path) for index, path in enumerate(order.paths)}
        rows_of = self._directions(queryset.annotate(**aliases), order)
        keys = self._directions(queryset, order)

        def read(forwards: bool, condition: Q | None, skip: int, size: int) -> list:
            if skip == 0 and condition is None:  # the first or the last page
                return list(rows_of[forwards][:size])
            wanted = keys[forwards] if condition is None else keys[forwards].filter(condition)
            return list(rows_of[forwards].filter(pk__in=wanted.values("pk")[skip : skip + size]))

        rows = self._read(order, number, read)
        values = [tuple(getattr(row, alias) for alias in aliases) for row in rows]
        # A queryset that holds the rows read, for what the admin expects one (the formset of
        # list_editable): it runs no query of its own, and would read only these rows again.
        shown = rows_of[True].filter(pk__in=[row.pk for row in rows])
        shown._result_cache, shown._prefetch_done = rows, True
        return self._placed(self._get_page(shown, number, self), order, values)

    @staticmethod
    def _directions(queryset: QuerySet, order: KeysetOrder) -> dict[bool, QuerySet]:
        """The queryset in the order (True: forwards) and in its reverse (False)."""
        return {
            True: queryset.order_by(*order.names),
            False: queryset.order_by(*order.reversed().names),
        }

    def _placed(self, page, order: KeysetOrder | None, values: list[tuple]):
        """The page with the positions its links carry (see KeysetOrder): after its last row
        for the pages after it, before its first row for those before it."""
        if order is not None and values:
            first = self._bounds(page.number)[0]
            page.after = order.encode(first + len(values) - 1, values[-1])
            page.before = order.encode(first, values[0])
        # The admin's ChangeList keeps the paginator, not the page: its links find it here.
        self.shown_page = page
        return page

    def _bounds(self, number: int) -> tuple[int, int]:
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return bottom, top

    def _read(self, order: KeysetOrder, number: int, read) -> list:
        """The rows of page `number`, each carrying its sort values, as `read(forwards,
        condition, skip, size)` gives them (in the order or, not forwards, in its reverse;
        with the condition, skipping `skip` rows): from wherever the fewest rows are skipped,
        the start, the end (backwards) or the position its link gave (after or before it).
        So the first page is read from the start and the last from the end."""
        bottom, top = self._bounds(number)
        size = top - bottom
        # (rows skipped, how), the start and the end first: they are used on a tie.
        reads = [
            (bottom, lambda: read(True, None, bottom, size)),
            (self.count - top, lambda: read(False, None, self.count - top, size)[::-1]),
        ]
        after = order.decode(self.position_after)
        if after is not None and after[0] < bottom < self.count:
            skip = bottom - after[0] - 1
            reads.append((skip, lambda: read(True, order.after(after[1]), skip, size) or None))
        before = order.decode(self.position_before)
        if before is not None and top <= before[0] < self.count:
            back = before[0] - top

            def before_it():
                rows = read(False, order.reversed().after(before[1]), back, size)
                return rows[::-1] if len(rows) == size else None

            reads.append((back, before_it))
        # A position that finds no page (rows gone since) gives way to the next nearest; the
        # start and the end always give one.
        ordered = sorted(reads, key=lambda candidate: candidate[0])
        return next(rows for _, reading in ordered if (rows := reading()) is not None)


def position_for(page, number: int) -> dict[str, str]:
    """The position a link from `page` to page `number` carries, as query parameters: after
    the page's last row for a later page, before its first row for an earlier one; none for
    the first and the last page (read from either end) or where the page has no position."""
    if 1 < number < page.paginator.num_pages:
        if number > page.number and getattr(page, "after", None):
            return {AFTER: page.after}
        if number < page.number and getattr(page, "before", None):
            return {BEFORE: page.before}
    return {}


class KeyedPageMixin:
    """For a django-filter view with a django-tables2 table paginated by EstimatedCountPaginator:
    the page's rows are loaded by key from the listing before the filters (the queryset the
    view gave its filterset), from the position its link gave."""

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if isinstance(pagination, dict) and issubclass(
            pagination.get("paginator_class", object), EstimatedCountPaginator
        ):
            pagination["rows"] = self.filterset.queryset
            pagination["after"] = self.request.GET.get(f"{table.prefix}{AFTER}")
            pagination["before"] = self.request.GET.get(f"{table.prefix}{BEFORE}")
        return pagination
