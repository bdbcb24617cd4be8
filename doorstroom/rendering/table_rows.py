"""A django-tables2 table written in Python: its body rows, header and page links.

Replaces django-tables2's template (doorstroom/table_keyed.html over its table.html): the rows
(the `table.tbody` block: per cell the accessor, the column's render and a template variable,
about 1 ms a row) and the header and page links with their keyset hrefs (doorstroom.rendering.
table_links; 1.9 of the listing's 19 ms in-process, 0.6 written here). The table keeps
django-tables2 for its columns, ordering and pagination.

The figure: /trajecten/ 31.7 ms with these rows against 62.6 ms with django-tables2's (saves
50 %), the filtered, sorted third page 30.1 against 59.9 ms (49 %); benchmarks/rendering.py,
10,000 demo trajectories (25 rows a page whatever the size), median of 100 requests per variant
taken in turn, 2026-12-07, 2 shared Xeon cores.

The rows are the HTML of django-tables2 3.0's template (pinned to 3.0.x in requirements.txt):
test_plain_table_is_the_html_django_tables2_renders compares both renderings of the whole table.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import lru_cache

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_tables2.templatetags.django_tables2 import render_attrs, table_page_range

from doorstroom.rendering.table_links import page_href, sort_href

# The table's Meta.template_name: django-tables2's own template (with keyset page links) with the
# body written by the mixin.
PLAIN_ROWS_TEMPLATE = "doorstroom/table_plain.html"

# The key a link is reversed with once, to be replaced by each row's.
LINK_KEY = 987654321


class PlainRowsMixin:
    def cells(self, record) -> Sequence[object]:
        """The cells of one row in the order of `self.columns`, as each column's render
        would make them; None or "" shows the column default.

        Cell attributes are taken once per table: a table whose `td` attributes or
        `row_attrs` depend on the record cannot use this mixin.
        """
        raise NotImplementedError

    def link(self, viewname: str) -> Callable[[int], str]:
        """key -> the URL of `viewname` (one integer argument), reversed once per table: a
        reverse per row and link cost a fifth of the listing's rendering."""
        made = getattr(self, "_links", None)
        if made is None:
            made = self._links = {}
        if viewname not in made:
            before, _, after = reverse(viewname, args=[LINK_KEY]).rpartition(str(LINK_KEY))
            made[viewname] = lambda key: f"{before}{int(key)}{after}"
        return made[viewname]

    def rows_html(self) -> SafeString:
        columns = list(self.columns)
        opening = [f"<td {column.attrs['td'].as_html()}>" for column in columns]
        defaults = [column.default for column in columns]
        parts = []
        for index, row in enumerate(self.paginated_rows):
            parts.append(f'<tr class="{"even" if index % 2 == 0 else "odd"}">')
            for start, default, cell in zip(opening, defaults, self.cells(row.record), strict=True):
                shown = default if cell is None or cell == "" else cell
                parts.append(f"{start}{cell_html(shown)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))

    def table_html(self) -> SafeString:
        """The whole of doorstroom/table_keyed.html (django-tables2's table.html): the table,
        its header, rows and page links. A table with a footer is not written here."""
        if self.has_footer():
            raise NotImplementedError("PlainRowsMixin writes no table footer")
        rows = self.rows_html()
        if not rows and self.empty_text:
            empty = conditional_escape(self.empty_text)
            rows = f'<tr><td colspan="{len(self.columns)}">{empty}</td></tr>'
        return mark_safe(
            f'<div class="table-container"><table {render_attrs(self.attrs)}>'
            f"{self.header_html()}<tbody {_attrs_html(self.attrs, 'tbody')}>{rows}</tbody>"
            f"</table>{self.pagination_html()}</div>"
        )

    def header_html(self) -> SafeString:
        """The `table.thead` block of doorstroom/table_keyed.html."""
        if not self.show_header:
            return mark_safe("")
        parts = [f"<thead {_attrs_html(self.attrs, 'thead')}><tr>"]
        for column in self.columns:
            header = conditional_escape(column.header)
            if column.orderable:
                header = f'<a href="{sort_href(self.request, self, column)}">{header}</a>'
            parts.append(f"<th {column.attrs['th'].as_html()}>{header}</th>")
        parts.append("</tr></thead>")
        return mark_safe("".join(parts))

    def pagination_html(self) -> SafeString:
        """The `pagination` block of doorstroom/table_keyed.html."""
        page = getattr(self, "page", None)
        if not page or self.paginator.num_pages <= 1:
            return mark_safe("")
        parts = ['<ul class="pagination">']
        if page.has_previous():
            href = page_href(self.request, self, page.previous_page_number())
            parts.append(f'<li class="previous"><a href="{href}">{gettext("previous")}</a></li>')
        if page.has_previous() or page.has_next():
            for number in table_page_range(page, self.paginator):
                active = 'class="active"' if number == page.number else ""
                href = "#" if number == "..." else page_href(self.request, self, number)
                parts.append(f'<li {active}><a href="{href}">{number}</a></li>')
        if page.has_next():
            href = page_href(self.request, self, page.next_page_number())
            parts.append(f'<li class="next"><a href="{href}">{gettext("next")}</a></li>')
        parts.append("</ul>")
        return mark_safe("".join(parts))


def cell_html(value) -> str:
    """Django's conditional_escape without its check of the arguments for lazy ones (its
    keep_lazy wrapper was a tenth of the rows' time): a value's own HTML, else its text
    escaped as django.utils.html.escape does."""
    own = getattr(value, "__html__", None)
    return own() if own is not None else html.escape(str(value))


def choice_labels(choices) -> dict:
    """value -> label of a TextChoices or IntegerChoices in the active language, made once per
    language (a label is a lazy translation: each use looks it up again)."""
    return _labels(choices, get_language())


@lru_cache(maxsize=64)
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def _attrs_html(attrs, name: str) -> str:
    """`{{ table.attrs.<name>.as_html }}`: nothing when the table has no such attributes."""
    part = attrs.get(name)
    return part.as_html() if hasattr(part, "as_html") else ""
