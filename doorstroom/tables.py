"""Tables rendered in Python for the busiest listings.

django-tables2 renders every cell through its accessor, column and template machinery: about
1 ms per row of the trajectory listing, most of the page's time; its header and page links take
a template tag per link. A table with `PlainTableMixin` keeps django-tables2 for its columns,
ordering and pagination, and writes the header (`head_html`), the body rows (from
`cells(record)`) and the page links (`pagination_html`) in one pass each: the HTML of
django-tables2's own template (a test compares both renderings of the whole table).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

from django.utils import dateformat
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django_tables2.templatetags.django_tables2 import table_page_range

from doorstroom.pagination import AFTER, BEFORE, position_for

# The table's Meta.template_name: django-tables2's own template with the header, body and page
# links written by the mixin.
PLAIN_TABLE_TEMPLATE = "doorstroom/table_plain.html"


class PlainTableMixin:
    def cells(self, record) -> Sequence[object]:
        """The cells of one row in the order of `self.columns`, as each column's render
        would make them; None or "" shows the column default.

        Cell attributes are taken once per table: a table whose `td` attributes or
        `row_attrs` depend on the record cannot use this mixin.
        """
        raise NotImplementedError

    def _query(self) -> dict:
        """The request's query parameters (RequestConfig gives the table its request)."""
        request = getattr(self, "request", None)
        return dict(request.GET) if request is not None else {}

    def _link(self, query: dict, field: str, value) -> str:
        """{% querystring_replace field=value %}: the request's query with one value set.
        `query` is changed in place: each caller sets the same field on every call."""
        query[field] = value
        return html.escape("?" + urlencode(query, doseq=True))

    def _positions(self) -> dict[str, str]:
        """The query parameters of a page link's position (see doorstroom.pagination), with
        the table's prefix."""
        return {name: f"{self.prefix}{name}" for name in (AFTER, BEFORE)}

    def _query_without_position(self) -> dict:
        query = self._query()
        for parameter in self._positions().values():
            query.pop(parameter, None)
        return query

    def head_html(self) -> SafeString:
        """The template's table.thead block: the column headers, each sortable one a link (a
        position belongs to the order it was read in: a new order starts without one)."""
        if not self.show_header:
            return SafeString("")
        query = self._query_without_position()
        field = self.prefixed_order_by_field
        parts = [f"<thead {attrs_html(self.attrs.get('thead'))}><tr>"]
        for column in self.columns:
            header = html_of(column.header)
            if column.orderable:
                link = self._link(query, field, column.order_by_alias.next)
                header = f'<a href="{link}">{header}</a>'
            parts.append(f"<th {column.attrs['th'].as_html()}>{header}</th>")
        parts.append("</tr></thead>")
        return SafeString("".join(parts))

    def _page_link(self, number: int) -> str:
        """A link to page `number`: django-tables2's, with the position to read it from where
        the page shown has one (see doorstroom.pagination.position_for)."""
        page = self.page
        if number == page.number:
            return self._link(self._query(), self.prefixed_page_field, number)
        query = self._query_without_position()
        parameters = self._positions()
        for name, value in position_for(page, number).items():
            query[parameters[name]] = value
        return self._link(query, self.prefixed_page_field, number)

    def pagination_html(self) -> SafeString:
        """The template's pagination block: previous, the page numbers around this one, next."""
        page = getattr(self, "page", None)
        if not page or self.paginator.num_pages <= 1:
            return SafeString("")
        parts = ['<ul class="pagination">']
        if page.has_previous():
            link = self._page_link(page.previous_page_number())
            label = html_of(gettext("previous"))
            parts.append(f'<li class="previous"><a href="{link}">{label}</a></li>')
        if page.has_previous() or page.has_next():
            for number in table_page_range(page, self.paginator):
                active = 'class="active"' if number == page.number else ""
                link = "#" if number == "..." else self._page_link(number)
                parts.append(f'<li {active}><a href="{link}">{html_of(localize(number))}</a></li>')
        if page.has_next():
            link = self._page_link(page.next_page_number())
            label = html_of(gettext("next"))
            parts.append(f'<li class="next"><a href="{link}">{label}</a></li>')
        parts.append("</ul>")
        return SafeString("".join(parts))

    def rows_html(self) -> SafeString:
        columns = list(self.columns)
        opening = [f"<td {column.attrs['td'].as_html()}>" for column in columns]
        defaults = [column.default for column in columns]
        parts = []
        for index, row in enumerate(self.paginated_rows):
            parts.append(f'<tr class="{"even" if index % 2 == 0 else "odd"}">')
            for start, default, cell in zip(opening, defaults, self.cells(row.record), strict=True):
                shown = default if cell is None or cell == "" else cell
                parts.append(f"{start}{html_of(shown)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))


# The pieces of a cell, written as Django's helpers write them but without their per-call
# overhead (lazy-string wrappers, format look-ups): a page has hundreds of cells. A test
# compares each with the Django helper it stands for.


def html_of(value) -> str:
    """django.utils.html.conditional_escape: a safe string's HTML, anything else as escaped
    text (Django's escape is the standard library's)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def attrs_html(attrs) -> str:
    """{{ attrs.as_html }}: an AttributeDict's HTML; nothing for a missing or plain value."""
    return attrs.as_html() if hasattr(attrs, "as_html") else ""


def link_html(url, text) -> SafeString:
    """format_html('<a href="{}">{}</a>', url, text)"""
    return SafeString(f'<a href="{html_of(url)}">{html_of(text)}</a>')


# Django date format characters that strftime writes alike (for years from 1000: glibc does not
# pad %Y with zeros, Django does).
STRFTIME_CODES = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}
DATE_SEPARATORS = " /-.,"


def date_formatter(date_format: str) -> Callable[[dt.date], str]:
    """django.utils.dateformat.format(value, date_format) as a function: strftime when the
    format has only day, month and year numbers and separators (d/m/Y), else Django's."""

    def django(value: dt.date) -> str:
        return dateformat.format(value, date_format)

    if not all(char in STRFTIME_CODES or char in DATE_SEPARATORS for char in date_format):
        return django
    pattern = "".join(STRFTIME_CODES.get(char, char) for char in date_format)

    def strftime(value: dt.date) -> str:
        return value.strftime(pattern) if value.year >= 1000 else django(value)

    return strftime
