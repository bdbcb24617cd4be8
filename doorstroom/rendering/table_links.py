"""The links of a django-tables2 table paginated by EstimatedCountPaginator: a page link carries
the position to read its page from, a sort link leaves the position out (a position belongs to
the order it was read in). Used by doorstroom/table_keyed.html (its template tags) and by the
header and page links PlainRowsMixin writes in Python."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.http import urlencode

from doorstroom.pagination import AFTER, BEFORE, position_for


def query_without_position(request, table, **values) -> str:
    """{% querystring_replace %}: the request's query with `values` set, without the position."""
    query = dict(request.GET)
    for name in (AFTER, BEFORE):
        query.pop(f"{table.prefix}{name}", None)
    query.update(values)
    return escape("?" + urlencode(query, doseq=True))


def sort_href(request, table, column) -> str:
    return query_without_position(
        request, table, **{table.prefixed_order_by_field: column.order_by_alias.next}
    )


def page_href(request, table, number) -> str:
    """A link to page `number`, from the position next to it (see position_for); the page shown
    links to itself as django-tables2 does, keeping its own."""
    if number == table.page.number:
        query = dict(request.GET, **{table.prefixed_page_field: number})
        return escape("?" + urlencode(query, doseq=True))
    position = {f"{table.prefix}{k}": v for k, v in position_for(table.page, number).items()}
    return query_without_position(request, table, **position, **{table.prefixed_page_field: number})
