"""Tables rendered in Python for the busiest listings.

django-tables2 renders every cell through its accessor, column and template machinery: about
1 ms per row of the trajectory listing, most of the page's time. A table with `PlainTableMixin`
keeps django-tables2 for its columns, ordering, pagination, header and page links (its template,
with the keyset links of doorstroom/table_keyed.html), and writes the body rows (from
`cells(record)`) in one pass: the HTML of django-tables2's own template (a test compares both
renderings of the whole table).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import conditional_escape
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
                parts.append(f"{start}{conditional_escape(shown)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))
