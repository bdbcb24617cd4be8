"""The links of a django-tables2 table paginated by EstimatedCountPaginator: a page link carries
the position to read its page from, a sort link leaves the position out (a position belongs to
the order it was read in). Used by doorstroom/table_keyed.html."""

from django import template
from django.utils.html import escape
from django.utils.http import urlencode

from doorstroom.pagination import AFTER, BEFORE, position_for

register = template.Library()


def _query(context, table, **values) -> str:
    """{% querystring_replace %}: the request's query with `values` set, without the position."""
    query = dict(context["request"].GET)
    for name in (AFTER, BEFORE):
        query.pop(f"{table.prefix}{name}", None)
    query.update(values)
    return escape("?" + urlencode(query, doseq=True))


@register.simple_tag(takes_context=True)
def sort_query(context, table, column):
    return _query(context, table, **{table.prefixed_order_by_field: column.order_by_alias.next})


@register.simple_tag(takes_context=True)
def page_query(context, table, number):
    """A link to page `number`, from the position next to it (see position_for); the page shown
    links to itself as django-tables2 does, keeping its own."""
    if number == table.page.number:
        query = dict(context["request"].GET, **{table.prefixed_page_field: number})
        return escape("?" + urlencode(query, doseq=True))
    position = {f"{table.prefix}{k}": v for k, v in position_for(table.page, number).items()}
    return _query(context, table, **position, **{table.prefixed_page_field: number})
