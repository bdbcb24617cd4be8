"""Reading an uploaded file into a table of cells: CSV (either dialect, UTF-8 or Windows-1252)
or XLSX, measured first by `trajectories.upload_checks`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from doorstroom.exports import DIALECTS, FORMULA_TRIGGERS
from doorstroom.languages import lazy_format
from trajectories import upload_checks
from trajectories.upload_checks import ImportFileError, Limits


def checksum_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else a clear error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not readable text: save it as CSV (UTF-8) or as an Excel file (.xlsx).")
        ) from None


def read_csv(data: bytes) -> tuple[str, list[list[str]]]:
    """The dialect found and the rows as text. `;` goes with a decimal comma (Excel in Belgium),
    `,` with a decimal point (RFC 4180)."""
    text = decode(data)
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text[:4096]):
        raise ImportFileError(_("The file holds binary data and is no CSV or Excel file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    dialect = next(name for name, known in DIALECTS.items() if known.delimiter == delimiter)
    limits = Limits.from_settings()
    upload_checks.check_csv_text(text, delimiter=delimiter, limits=limits)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise ImportFileError(
            lazy_format(
                _(
                    "The CSV file is not well formed (%(error)s). Check the quotes and "
                    "separators, or save it again from Excel."
                ),
                error=error,
            )
        ) from None
    upload_checks.check_table_shape(rows, limits)
    return dialect, rows


def decimal_comma(file_format: str) -> bool:
    """Whether numbers written as text in a file of this format use a decimal comma."""
    dialect = DIALECTS.get(file_format)
    return dialect is not None and dialect.decimal_separator == ","


def _xlsx_cell(value) -> str | dt.date | Decimal | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    return str(value)


def read_xlsx(data: bytes) -> list[list]:
    """The first sheet's rows; formulas come back as their text, never evaluated."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _(
                "The file has the extension .xlsx but is no Excel file. Save it again as an Excel "
                "workbook (.xlsx) or as CSV."
            )
        )
    limits = Limits.from_settings()
    upload_checks.check_xlsx(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise upload_checks.damaged() from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_("The Excel file holds no worksheet."))
        # Rows as wide as their cells, not as the sheet's <dimension> claims (checked above).
        sheet.reset_dimensions()
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_xlsx_cell(value) for value in values])
            if len(rows) > limits.rows + 1:
                break
        return rows
    except ImportFileError:
        raise
    except Exception:
        raise upload_checks.damaged() from None
    finally:
        workbook.close()


def read_table(data: bytes, file_name: str) -> tuple[str, list[list]]:
    upload_checks.check_size(data, Limits.from_settings())
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if file_name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx", read_xlsx(data)
    if file_name.lower().endswith(".xls"):
        raise ImportFileError(_("Old Excel files (.xls) are not read: save as .xlsx or as CSV."))
    return read_csv(data)


def clean_text(value) -> str:
    """A cell as text. Our exports put an apostrophe before text a spreadsheet would run as a
    formula; it is taken off again. Anything else starting with = stays plain data."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text
