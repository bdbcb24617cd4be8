"""Tables rendered in Python for the busiest listings.

django-tables2 renders every cell through its accessor, column and template machinery: about
1 ms per row of the trajectory listing, most of the page's time. A table with `PlainTableMixin`
keeps django-tables2 for its columns, ordering, pagination, header and page links (its template,
with the keyset links of doorstroom/table_keyed.html), and writes the body rows (from
`cells(record)`) in one pass: the HTML of django-tables2's own template (a test compares both
renderings of the whole table).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe

# The table's Meta.template_name: django-tables2's own template (with keyset page links) with the
# body written by the mixin.
PLAIN_TABLE_TEMPLATE = "doorstroom/table_plain.html"


class PlainTableMixin:
    def cells(self, record) -> Sequence[object]:
        """The cells of one row in the order of `self.columns`, as each column's render
        would make them; None or "" shows the column default.

        Cell attributes are taken once per table: a table whose `td` attributes or
        `row_attrs` depend on the record cannot use this mixin.
        """
        raise NotImplementedError

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
