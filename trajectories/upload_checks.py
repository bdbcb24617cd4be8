"""An imported file measured before any parser reads it, so a hostile one costs next to nothing.

openpyxl trusts what a workbook says about itself: in read-only mode it pads every row to the
width the sheet's `<dimension>` claims, fills every missing row up to the highest row number and
loads every shared string at once. A 2 KB sheet claiming A1:XFD1048576 with its second row at
1,048,576 took 31 s and 2.7 GB; wide rows 2.9 GB from 103 KB; 5 million shared strings 554 MB.
So the archive is opened here first and every member streamed, with its real (decompressed)
size counted, through expat without building a tree: the rows, cells and the highest row and
column that openpyxl would compute, the number of shared strings and of the other elements. Only
a file within every limit goes on to openpyxl, which is then told to forget the `<dimension>`
claim (`reset_dimensions`, in `imports.read_xlsx`). A CSV's fields are bounded the same way
before `csv` splits them.

The limits are settings (`IMPORT_MAX_*`): a file over one is refused in well under 5 s and
100 MB, and a file at every limit is read by a worker (trajectories.tasks) in under a minute and
1 GB (tests/test_import_hostile_files.py measures both).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from doorstroom.languages import lazy_format

CHUNK = 64 * 1024
# A workbook has a dozen parts; more than this is no spreadsheet anyone saved.
MAX_MEMBERS = 1000
# Time goes by the element: openpyxl spends some 10 microseconds on each one it reads (a cell,
# a run of rich text, a shared string, a style), so their number is what bounds the reading.
# A cell is <c><v> (a number, a shared string), <c><is><t> (an inline string) or <c><f><v>.
ELEMENTS_PER_CELL = 3
# Within one cell: a rich text of a few runs. openpyxl holds all of a cell's runs as objects
# at once (a cell of 200,000 runs took 93 MB).
MAX_ELEMENTS_IN_A_CELL = 64
# Styles, theme, workbook, relations and the shared strings' own elements: a few thousand in
# real workbooks, and each shared string's <si><t>.
MAX_OTHER_ELEMENTS = 50_000
CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?[0-9]+$")
EXCEL_MAX_ROW, EXCEL_MAX_COLUMN = 1_048_576, 16_384


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is meant for the user, made lazy (put
    into the reader's language when shown)."""


@dataclass(frozen=True)
class Limits:
    bytes: int
    rows: int
    columns: int
    cells: int
    uncompressed_bytes: int
    shared_strings: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            bytes=settings.IMPORT_MAX_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            shared_strings=settings.IMPORT_MAX_SHARED_STRINGS,
        )


# 20.000 in Dutch, 20,000 in English: as the reader writes it, when shown.
_number = lazy(lambda number: number_format(number, force_grouping=True), str)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.bytes:
        raise ImportFileError(
            lazy_format(
                _(
                    "The file is larger than %(size)s (about %(rows)s rows): split it over "
                    "several files."
                ),
                size=_megabytes(limits.bytes),
                rows=_number(limits.rows),
            )
        )


def _too_big(limits: Limits) -> ImportFileError:
    return ImportFileError(
        lazy_format(
            _(
                "The file is too large: split it over several files of at most %(rows)s rows "
                "and %(columns)s columns (%(cells)s cells)."
            ),
            rows=_number(limits.rows),
            columns=limits.columns,
            cells=_number(limits.cells),
        )
    )


def too_many_rows(rows: int) -> ImportFileError:
    return ImportFileError(
        lazy_format(
            _("The file has more than %(rows)s rows: split it over several files."),
            rows=_number(rows),
        )
    )


def check_table_shape(rows: list[list], limits: Limits) -> None:
    """Rows and columns of a table that has been read (a CSV)."""
    if len(rows) > limits.rows + 1:  # the header is not a row
        raise too_many_rows(limits.rows)
    if any(len(row) > limits.columns for row in rows):
        raise ImportFileError(
            lazy_format(
                _(
                    "A row has more than %(columns)s columns. Keep only the columns of the "
                    "template."
                ),
                columns=limits.columns,
            )
        )


def check_csv_text(text: str, *, delimiter: str, limits: Limits) -> None:
    """Before `csv` splits the text into fields: their number can be no more than the
    delimiters and line ends, so a text within the cell limit cannot build a huge table."""
    if text.count(delimiter) + text.count("\n") + 1 > limits.cells + limits.rows:
        raise _too_big(limits)


# --- XLSX ---------------------------------------------------------------------------------------


def damaged() -> ImportFileError:
    return ImportFileError(_("The Excel file cannot be read (damaged or not an .xlsx workbook)."))


def _bomb(limits: Limits) -> ImportFileError:
    return ImportFileError(
        lazy_format(
            _(
                "Unpacked, the Excel file is larger than %(size)s: no workbook with the data of an "
                "import is that large. Save it again with only the import's worksheet, or as CSV."
            ),
            size=_megabytes(limits.uncompressed_bytes),
        )
    )


def _bloated() -> ImportFileError:
    return ImportFileError(
        _(
            "The Excel file has unusually much formatting or parts besides the data. Save it as a "
            "new workbook with only the data, or as CSV."
        )
    )


def _row_number(value: str) -> int:
    # As openpyxl reads it: an integer, or a float that is one ("1e6").
    try:
        return int(value)
    except ValueError:
        number = float(value)
        if not number.is_integer():
            raise ValueError(value) from None
        return int(number)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Scan:
    """Counts what openpyxl would build from one XML part, refusing as soon as a limit is
    passed. A row is a `row` element wherever it is; each of its child elements is a cell, as
    in openpyxl's WorkSheetParser."""

    def __init__(self, totals: _Totals) -> None:
        self.totals = totals
        self.depth = 0
        self.row_depth: int | None = None
        self.row = 0
        self.column = 0
        self.in_cell = 0

    def start(self, name: str, attributes: dict) -> None:
        # Called for every element of the file: the common case (inside a row) goes first.
        self.depth += 1
        totals = self.totals
        totals.elements += 1
        if totals.elements > totals.max_elements:
            raise _too_big(totals.limits)
        if self.row_depth is not None:
            if self.depth == self.row_depth + 1:
                self._cell(attributes)
                self.in_cell = 0
            elif (in_cell := self.in_cell + 1) > MAX_ELEMENTS_IN_A_CELL:
                raise _bloated()
            else:
                self.in_cell = in_cell
            if name == "row" or name.endswith(" row"):
                raise damaged()  # openpyxl would read a row within a row as one more row
            return
        local = name.rpartition(" ")[2]
        if local == "row":
            self._row(attributes)
            return
        limits = totals.limits
        if local == "si":
            totals.strings += 1
            if totals.strings > limits.shared_strings:
                raise ImportFileError(
                    lazy_format(
                        _(
                            "The Excel file has more than %(count)s different texts: no import "
                            "needs that many. Save it as CSV, or split it."
                        ),
                        count=_number(limits.shared_strings),
                    )
                )
        totals.other_elements += 1
        if totals.other_elements > MAX_OTHER_ELEMENTS + 2 * totals.strings:
            raise _bloated()

    def _row(self, attributes: dict) -> None:
        self.row_depth = self.depth
        try:
            self.row = _row_number(attributes["r"]) if "r" in attributes else self.row + 1
        except ValueError:
            raise damaged() from None
        self.column = 0
        limits = self.totals.limits
        if self.row > limits.rows + 1:  # the header is not one of the rows
            raise ImportFileError(
                lazy_format(
                    _(
                        "The worksheet has data down to row %(row)s; an import has at most "
                        "%(rows)s rows. Delete the empty rows under the data, or split the file."
                    ),
                    row=_number(min(self.row, EXCEL_MAX_ROW)),
                    rows=_number(limits.rows),
                )
            )

    def _cell(self, attributes: dict) -> None:
        totals, limits = self.totals, self.totals.limits
        totals.cells += 1
        if totals.cells > limits.cells:
            raise _too_big(limits)
        reference = attributes.get("r")
        if reference:
            match = CELL_REFERENCE.match(reference)
            if match is None:
                raise damaged()
            self.column = _column_number(match.group(1))
        else:
            self.column += 1
        if self.column > limits.columns:
            raise ImportFileError(
                lazy_format(
                    _(
                        "The worksheet has cells up to column %(column)s; an import has at most "
                        "%(columns)s. Delete the columns right of the data."
                    ),
                    column=_number(self.column),
                    columns=limits.columns,
                )
            )

    def end(self, name: str) -> None:
        if self.depth == self.row_depth:
            self.row_depth = None
        self.depth -= 1


@dataclass
class _Totals:
    limits: Limits
    uncompressed: int = 0
    cells: int = 0
    elements: int = 0
    other_elements: int = 0
    strings: int = 0

    @property
    def max_elements(self) -> int:
        # All of them, in the cells or not (and a <row> for each row): a file at the limits is
        # read by a worker in under a minute.
        return ELEMENTS_PER_CELL * self.limits.cells + self.limits.rows + MAX_OTHER_ELEMENTS


def _no_declarations(*args) -> None:
    # No workbook part has a DTD; entity declarations are how XML bombs expand.
    raise damaged()


def _scan_member(stream, totals: _Totals) -> None:
    """Every part is parsed as XML, whatever its name: openpyxl finds the sheets through the
    relations, which may name any part. A part that is no XML (an image) fails in expat at once,
    as it would in openpyxl; its size is still counted."""
    scan = _Scan(totals)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _no_declarations
    parser.EntityDeclHandler = _no_declarations
    while True:
        chunk = stream.read(CHUNK)
        totals.uncompressed += len(chunk)
        if totals.uncompressed > totals.limits.uncompressed_bytes:
            raise _bomb(totals.limits)
        if parser is not None:
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError:
                parser = None
        if not chunk:
            break


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts are too big, too many or too large a table, before
    openpyxl reads it. Streams every part once; holds no more than a chunk of it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise damaged() from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise damaged()
        # What the archive claims first (free), then what its parts really hold.
        if sum(member.file_size for member in members) > limits.uncompressed_bytes:
            raise _bomb(limits)
        totals = _Totals(limits)
        for member in members:
            if member.is_dir():
                continue
            try:
                with archive.open(member) as stream:
                    _scan_member(stream, totals)
            except ImportFileError:
                raise
            except (
                zipfile.BadZipFile,
                zlib.error,
                NotImplementedError,  # a compression method zipfile does not know
                RuntimeError,  # an encrypted member
                ValueError,
                OSError,
                EOFError,
            ):
                raise damaged() from None
