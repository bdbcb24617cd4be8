"""Reading an uploaded file into a table of cells: CSV (either dialect, UTF-8 or Windows-1252)
or XLSX, measured first by `trajectories.upload_checks`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

from doorstroom.exports import DIALECTS, FORMULA_TRIGGERS
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
            "Het bestand is geen leesbare tekst: sla het op als CSV (UTF-8) of als Excel-bestand "
            "(.xlsx)."
        ) from None


def read_csv(data: bytes) -> tuple[str, list[list[str]]]:
    """The dialect found and the rows as text. `;` goes with a decimal comma (Excel in Belgium),
    `,` with a decimal point (RFC 4180)."""
    text = decode(data)
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text[:4096]):
        raise ImportFileError(
            "Het bestand bevat binaire gegevens en is geen CSV- of Excel-bestand."
        )
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    dialect = next(name for name, known in DIALECTS.items() if known.delimiter == delimiter)
    limits = Limits.from_settings()
    upload_checks.check_csv_text(text, delimiter=delimiter, limits=limits)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise ImportFileError(
            f"Het CSV-bestand is niet goed opgebouwd ({error}). Controleer aanhalingstekens en "
            "scheidingstekens, of sla het opnieuw op vanuit Excel."
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
            "Het bestand heeft de extensie .xlsx maar is geen Excel-bestand. Sla het opnieuw op "
            "als Excel-werkmap (.xlsx) of als CSV."
        )
    limits = Limits.from_settings()
    upload_checks.check_xlsx(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(
            "Het Excel-bestand kan niet gelezen worden (beschadigd of geen .xlsx-werkmap)."
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError("Het Excel-bestand bevat geen werkblad.")
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
        raise ImportFileError(
            "Het Excel-bestand kan niet gelezen worden (beschadigd of geen .xlsx-werkmap)."
        ) from None
    finally:
        workbook.close()


def read_table(data: bytes, file_name: str) -> tuple[str, list[list]]:
    upload_checks.check_size(data, Limits.from_settings())
    if not data.strip():
        raise ImportFileError("Het bestand is leeg.")
    if file_name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx", read_xlsx(data)
    if file_name.lower().endswith(".xls"):
        raise ImportFileError(
            "Oude Excel-bestanden (.xls) worden niet gelezen: sla op als .xlsx of als CSV."
        )
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
