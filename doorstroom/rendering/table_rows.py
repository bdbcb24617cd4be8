"""The body rows of a django-tables2 table written in one pass of Python.

Replaces django-tables2's rendering of the rows (the `table.tbody` block of its table.html: per
cell the accessor, the column's render and a template variable), about 1 ms a row. The table
keeps django-tables2 for its columns, ordering, pagination, header and page links (its template,
with the keyset links of doorstroom/table_keyed.html).

The figure: /trajecten/ 31.7 ms with these rows against 62.6 ms with django-tables2's (saves
50 %), the filtered, sorted third page 30.1 against 59.9 ms (49 %); benchmarks/rendering.py,
10,000 demo trajectories (25 rows a page whatever the size), median of 100 requests per variant
taken in turn, 2026-12-07, 2 shared Xeon cores.

The rows are the HTML of django-tables2 3.0's template (pinned to 3.0.x in requirements.txt):
test_plain_table_is_the_html_django_tables2_renders compares both renderings of the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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
                parts.append(f"{start}{conditional_escape(shown)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))
