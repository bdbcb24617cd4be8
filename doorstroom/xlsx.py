"""Workbooks made for people: valid sheet titles, a bold frozen header row, columns fitted to
their content, amounts with two decimals and dates as dd/mm/jjjj, whatever the reader's Excel.

Every XLSX of the application (an export's download, an answer pack's workbook) is written here,
in the active language (the words "yes" and "no", the notes under a sheet): the caller chooses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice

from django.utils.translation import gettext as _

from doorstroom.disclosure.model import PROTECTED, SUPPRESSED, marks_note

# The characters Excel refuses in a sheet title, its maximum length (openpyxl refuses them too,
# with an error that ended a download in a 500).
SHEET_TITLE_REFUSED = "[]:*?/\\"
SHEET_TITLE_MAX = 31

# The marks of hidden counts (doorstroom.disclosure), explained under a sheet that shows them.
MARKS = (SUPPRESSED, PROTECTED)

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
AMOUNT_FORMAT = "#,##0.00"
# Columns are fitted to the header and the first rows (the rest are streamed after the column
# widths are written), between these widths in characters.
FIT_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """`text` as a sheet title Excel accepts: refused characters replaced by "-", white space
    folded, at most 31 characters, never empty, and not equal (as Excel compares: ignoring case)
    to a title in `taken`, which gets a " (2)", " (3)" ... instead."""
    cleaned = "".join("-" if ch in SHEET_TITLE_REFUSED else ch for ch in str(text))
    # Excel also refuses an apostrophe at either end (it quotes sheet names with it).
    base = " ".join(cleaned.split()).strip("'").strip() or _("Sheet")
    used = {title.casefold() for title in taken}
    candidate, n = base[:SHEET_TITLE_MAX].rstrip(), 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix, n + 1
    return candidate


def new_workbook():
    """A write-only workbook: rows stream to disk instead of building cells in memory."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _number_format(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        # An amount has two decimals; another figure (an index) keeps the ones it has.
        places = max(-value.as_tuple().exponent, 0) if value.is_finite() else 0
        return "#,##0." + "0" * places if places else "#,##0"
    if isinstance(value, float):
        return AMOUNT_FORMAT
    # Integers (counts, years, project numbers) stay ungrouped: 2018, not 2.018.
    return None


def _shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return len(f"{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_append_sheet(
    workbook,
    *,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    caption_rows: Sequence[str] = (),
) -> None:
    """Add a sheet to a write-only openpyxl workbook: optional caption lines, header, rows, and
    under them what each disclosure mark in the rows means.

    Text is always written as a string cell (never as a formula, whatever it starts with);
    numbers and dates are written as numbers and dates, with a format a person reads.
    """
    yes, no = _("yes"), _("no")  # as in the CSV
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=sheet_title(title, workbook.sheetnames))
    bold = Font(bold=True)
    rows = iter(rows)
    first_rows = [list(row) for row in islice(rows, FIT_ROWS)]

    # Widths and the frozen header belong to the sheet's start: set before the first row.
    for column, name in enumerate(header, start=1):
        # A row may be shorter than the header (a workbook written from a user's file).
        cells = (r[column - 1] for r in first_rows if len(r) >= column)
        widest = max([len(str(name)), *(_shown_width(value) for value in cells)])
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    header_row = len(caption_rows) + 1
    sheet.freeze_panes = f"A{header_row + 1}"

    def text_cell(text: str, font=None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula otherwise
        if font is not None:
            cell.font = font
        return cell

    def value_cell(value):
        if isinstance(value, str):
            return text_cell(value)
        if isinstance(value, bool):
            return text_cell(yes if value else no)
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=None)
        number_format = _number_format(value)
        if number_format is None:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for caption in caption_rows:
        sheet.append([text_cell(caption, bold)])
    sheet.append([text_cell(str(h), bold) for h in header])
    marks: set[str] = set()
    for row in chain(first_rows, rows):
        marks.update(value for value in row if isinstance(value, str) and value in MARKS)
        sheet.append([value_cell(value) for value in row])
    notes = marks_note(marks)
    if notes:
        sheet.append([])
    for note in notes:
        sheet.append([text_cell(note)])
