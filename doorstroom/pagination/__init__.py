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

from doorstroom.pagination.keyset import (
    AFTER,
    BEFORE,
    POSITION_SALT,
    SORTABLE_TYPES,
    KeysetOrder,
    SortColumn,
    expand_order,
)
from doorstroom.pagination.paginator import (
    ESTIMATE_FROM,
    EstimatedCountPaginator,
    KeyedPageMixin,
    is_unfiltered,
    position_for,
    table_row_count,
)

__all__ = [
    "AFTER",
    "BEFORE",
    "ESTIMATE_FROM",
    "POSITION_SALT",
    "SORTABLE_TYPES",
    "EstimatedCountPaginator",
    "KeyedPageMixin",
    "KeysetOrder",
    "SortColumn",
    "expand_order",
    "is_unfiltered",
    "position_for",
    "table_row_count",
]
