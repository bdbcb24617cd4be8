"""The paginator for big tables and the view mixin that gives it its rows and position (see
the package's docstring)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from doorstroom import sql
from doorstroom.pagination.keyset import AFTER, BEFORE, KeysetOrder

# Below this many rows an exact count is cheap and the statistics are least reliable.
ESTIMATE_FROM = 50_000


def table_row_count(queryset: QuerySet) -> int | None:
    """Rows of the queryset's table in one query: the planner's estimate for a big table, an
    exact count for a small one (whose statistics are the least reliable), so the number of
    queries does not depend on the size. None when the table is unknown to pg_class."""
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.TABLE_ROWS.format(table=table), [ESTIMATE_FROM, queryset.model._meta.db_table]
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
            # The keys with their sort values, the key last; read without what only the rows
            # need (a queryset may leave joins out for that: TrajectoryQuerySet.for_keys).
            keyed = queryset.for_keys(order.paths) if hasattr(queryset, "for_keys") else queryset
            directions = {
                forwards: ordered.values_list(*order.paths)
                for forwards, ordered in self._directions(keyed, order).items()
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
