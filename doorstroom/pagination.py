"""A paginator for big tables: no exact count of an unfiltered table, deep pages fast.

Django's Paginator counts every row (COUNT(*) over a million trajectories on every page view) and
fetches a page with OFFSET on the full query, so PostgreSQL computes every annotation of every
skipped row: page 1,000 of the trajectory listing costs 25,000 times the per-row subqueries.

* The count of an unfiltered table comes from the planner's statistics (pg_class.reltuples, kept
  current by autovacuum); a filtered set is counted exactly.
* A page of a django-tables2 table first takes the primary keys of its rows with the query's own
  filters and order but without its annotations or joins (a narrow index-only scan, even at a
  deep offset), then loads just those rows with everything the table shows: two queries for
  every page. The keys already carry the filters, so the rows are loaded from the view's
  unfiltered queryset when it gives one (`rows`, see `KeyedPageMixin`): a lookup by primary key
  whose plan does not depend on the filters or the size of the table. (The admin keeps its plain
  slice, see `page`.)

Works with django-tables2 (`table_pagination = {"paginator_class": EstimatedCountPaginator}`),
where the object list is the table's rows, and with the admin (`ModelAdmin.paginator`), where it
is the queryset.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap and the statistics are least reliable.
ESTIMATE_FROM = 50_000


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


class EstimatedCountPaginator(Paginator):
    def __init__(self, *args, rows: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Where a page's rows are loaded from by key: the listing without its filters.
        self.rows = rows

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
        # The admin shows a one-page list with the queryset itself (one query) and slices a
        # longer one through page(): loading by key there would make the query count depend
        # on the data, so the admin keeps the plain slice.
        if queryset is None or queryset is self.object_list or queryset.query.distinct:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = queryset if self.rows is None else self.rows
        by_key = {record.pk: record for record in rows.filter(pk__in=keys).order_by()}
        records = [by_key[key] for key in keys if key in by_key]
        page_rows = type(self.object_list)(
            records, table=self.object_list.table, pinned_data=self.object_list.pinned_data
        )
        return self._get_page(page_rows, number, self)


class KeyedPageMixin:
    """For a django-filter view with a django-tables2 table paginated by EstimatedCountPaginator:
    the page's rows are loaded by key from the listing before the filters (the queryset the
    view gave its filterset)."""

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if isinstance(pagination, dict) and issubclass(
            pagination.get("paginator_class", object), EstimatedCountPaginator
        ):
            pagination["rows"] = self.filterset.queryset
        return pagination
