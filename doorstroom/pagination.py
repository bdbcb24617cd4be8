"""A paginator for big tables: no exact count of an unfiltered table, deep pages fast.

Django's Paginator counts every row (COUNT(*) over a million trajectories on every page view) and
fetches a page with OFFSET on the full query, so PostgreSQL computes every annotation of every
skipped row: page 1,000 of the trajectory listing costs 25,000 times the per-row subqueries.

* The count of an unfiltered table comes from the planner's statistics (pg_class.reltuples, kept
  current by autovacuum); a filtered set is counted exactly.
* A page of a django-tables2 table first takes the primary keys of its rows with the query's own
  filters and order but without its annotations or joins (a narrow index-only scan, even at a
  deep offset), then loads just those rows with everything the table shows: two queries for
  every page. (The admin keeps its plain slice, see `page`.)

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


def estimated_row_count(queryset: QuerySet) -> int:
    """The planner's row count of the queryset's table; -1 when never analysed."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] is not None else -1


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
            estimate = estimated_row_count(queryset)
            if estimate >= ESTIMATE_FROM:
                return estimate
        if queryset is not None:
            return queryset.count()
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
        by_key = {record.pk: record for record in queryset.filter(pk__in=keys)}
        records = [by_key[key] for key in keys if key in by_key]
        rows = type(self.object_list)(
            records, table=self.object_list.table, pinned_data=self.object_list.pinned_data
        )
        return self._get_page(rows, number, self)
