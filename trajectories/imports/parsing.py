"""The header and every row's cells checked on their own, before the database is asked: the
columns named in Dutch or in English (`trajectories.phase_file`), each error a lazy message."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn as be_nn

from doorstroom.languages import lazy_call, lazy_format, lazy_join
from trajectories import upload_checks
from trajectories.dates import date_in_future_refuse
from trajectories.exports import TrajectoriesExport
from trajectories.imports.reading import (
    clean_text,
)
from trajectories.imports.report import RowResult
from trajectories.models import (
    Phase,
)
from trajectories.phase_file import (
    END,
    HOURS,
    INSZ,
    LABELS,
    MANDATE,
    OPTIONAL_COLUMNS,
    PHASE,
    REQUIRED_COLUMNS,
    START,
    WORKER,
    labels,
    names_in_every_language,
)
from trajectories.upload_checks import ImportFileError, Limits

IMPORTED_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@functools.cache
def informative_columns() -> frozenset[str]:
    """The folded names, in every language, of the columns of our own exports that are there to
    read, not to import (the listing's; a deadline column of earlier files)."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names |= {str(name).casefold() for name in TrajectoriesExport.HEADER}
            names.add(str(_("Deadline")).casefold())
    return frozenset(names - set(names_in_every_language(IMPORTED_COLUMNS)))


WORKER_REFERENCE = re.compile(r"^DW-[0-9]{6,}$")
# The dates a form accepts (doorstroom/formats, the same in both languages).
DATE_FORMATS = get_format("DATE_INPUT_FORMATS", lang="nl-be")
MAX_HOURS = Decimal("9999.99")


def _date_from_text(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        return None


def parse_date(value, *, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    elif day := _date_from_text(clean_text(value)):
        pass
    else:
        text = clean_text(value)
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(
                lazy_format(
                    _(
                        "'%(text)s' is not a date. Write the date as dd/mm/yyyy (e.g. 31/01/2026) "
                        "or yyyy-mm-dd."
                    ),
                    text=text,
                )
            )
    try:
        date_in_future_refuse(day, today=today)
    except ValidationError as error:
        raise ValueError(validation_text(error)) from None
    return day


def parse_decimal(value, *, decimal_comma: bool) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = clean_text(value).replace(" ", "")
        if decimal_comma:
            text = text.replace(".", "").replace(",", ".") if "," in text else text
        else:
            text = text.replace(",", "") if "." in text else text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                lazy_format(
                    _("'%(text)s' is not a number of hours. Write a number, e.g. 12.5."),
                    text=clean_text(value),
                )
            ) from None
    if not number.is_finite():
        raise ValueError(_("The number of hours is not a number."))
    if number < 0:
        raise ValueError(_("The number of hours cannot be negative."))
    if number > MAX_HOURS or number != number.quantize(Decimal("0.01")):
        raise ValueError(
            _(
                "The number of hours can be at most 9999.99, with at most two digits after the "
                "decimal point."
            )
        )
    return number.quantize(Decimal("0.01"))


@functools.cache
def phase_names() -> dict[str, int]:
    """Every way a phase may be written: 1-4, its name in any language of the application."""
    names = {}
    for phase in Phase:
        names[str(phase.value)] = phase.value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[str(phase.label).casefold()] = phase.value
    return names


def phase_label(phase: int):
    """The phase's name, put into the reader's language when shown (lazy)."""
    return Phase(phase).label


def validation_text(error: ValidationError):
    """A ValidationError's messages (of its first field), put into the reader's language when
    shown: a Django-style error (a lazy message and its params) is formatted again each time."""
    if hasattr(error, "error_dict"):
        errors = next(iter(error.error_dict.values()))
        return lazy_call(lambda: " ".join(m for e in errors for m in e.messages))
    return lazy_call(lambda: " ".join(error.messages))


def parse_phase(value) -> int:
    text = clean_text(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        text = str(int(value))
    phase = phase_names().get(text.casefold())
    if phase is None:
        raise ValueError(
            lazy_format(
                _("'%(text)s' is not a phase. Choose from: %(names)s (or 1 to 4)."),
                text=text,
                names=lazy_join(p.label for p in Phase),
            )
        )
    return phase


def parse_project_number(value) -> int:
    text = clean_text(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ValueError(
            lazy_format(
                _("'%(text)s' is not a project number: that is a number, e.g. 6441."), text=text
            )
        )
    return int(text)


def column_empty(column: str):
    return lazy_format(_("The column %(column)s is empty."), column=LABELS[column])


def parse_rows(table: list[list], *, decimal_comma: bool, today: dt.date) -> list[RowResult]:
    """Check the header, then each row's cells on their own (no database yet)."""
    every_column = lazy_join(labels(IMPORTED_COLUMNS))
    if not table or not any(clean_text(c) for c in table[0]):
        raise ImportFileError(
            lazy_format(
                _("The file has no header. The first line names the columns: %(columns)s."),
                columns=every_column,
            )
        )
    # A column is named in Dutch or in English.
    known = names_in_every_language(IMPORTED_COLUMNS)
    ignored = informative_columns()
    positions: dict[str, int] = {}
    unknown = []
    for position, cell in enumerate(table[0]):
        key = clean_text(cell).casefold()
        if not key:
            continue
        if key in known:
            if known[key] in positions:
                raise ImportFileError(
                    lazy_format(
                        _("The column '%(column)s' appears twice in the header."),
                        column=LABELS[known[key]],
                    )
                )
            positions[known[key]] = position
        elif key not in ignored:
            unknown.append(clean_text(cell)[:60])
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    problems = []
    if missing:
        problems.append(
            lazy_format(_("Missing column(s): %(columns)s."), columns=lazy_join(labels(missing)))
        )
    if unknown:
        problems.append(
            lazy_format(
                _("Unknown column(s): %(unknown)s. Use the columns of the template: %(columns)s."),
                unknown=", ".join(unknown[:10]),
                columns=every_column,
            )
        )
    if problems:
        raise ImportFileError(lazy_join(problems, " "))
    body = table[1:]
    if len(body) > (max_rows := Limits.from_settings().rows):
        raise upload_checks.too_many_rows(max_rows)

    results = []
    for number, cells in enumerate(body, start=2):
        if all(c is None or (isinstance(c, str) and not clean_text(c)) for c in cells):
            continue  # an empty line (Excel leaves some at the end)

        def cell(column: str, cells=cells):
            position = positions.get(column)
            if position is None or position >= len(cells):
                return None
            value = cells[position]
            return None if isinstance(value, str) and not clean_text(value) else value

        result = RowResult(row=number)
        results.append(result)
        reference = clean_text(cell(WORKER)).upper()
        if not reference:
            result.error(WORKER, _("The worker's reference is missing."))
        elif not WORKER_REFERENCE.match(reference):
            result.error(
                WORKER,
                lazy_format(
                    _("'%(text)s' is not a worker's reference (such as DW-000123)."),
                    text=reference[:40],
                ),
            )
        result.worker_reference = reference[:40]
        for column, parse, attribute in (
            (MANDATE, parse_project_number, "project_number"),
            (PHASE, parse_phase, "phase"),
        ):
            value = cell(column)
            if value is None:
                result.error(column, column_empty(column))
                continue
            try:
                setattr(result, attribute, parse(value))
            except ValueError as error:
                result.error(column, error.args[0])
        for column, attribute, required in ((START, "start_date", True), (END, "end_date", False)):
            value = cell(column)
            if value is None:
                if required:
                    result.error(column, column_empty(column))
                continue
            try:
                setattr(result, attribute, parse_date(value, today=today))
            except ValueError as error:
                result.error(column, error.args[0])
        if result.start_date and result.end_date and result.end_date < result.start_date:
            result.error(
                END,
                lazy_format(
                    _("The end date (%(end)s) is before the start date (%(start)s)."),
                    end=f"{result.end_date:%d/%m/%Y}",
                    start=f"{result.start_date:%d/%m/%Y}",
                ),
            )
        if (hours := cell(HOURS)) is not None:
            try:
                result.hours = parse_decimal(hours, decimal_comma=decimal_comma)
            except ValueError as error:
                result.error(HOURS, error.args[0])
        if (insz := cell(INSZ)) is not None:
            compact = be_nn.compact(clean_text(insz))
            if not be_nn.is_valid(compact):
                result.error(
                    INSZ,
                    _(
                        "The national register number (INSZ) is wrong: it has 11 digits and the "
                        "last two are a check number. Check the number."
                    ),
                )
            else:
                result.insz = compact
    first_row: dict[tuple, int] = {}
    for result in results:
        if None in result.key or not result.worker_reference:
            continue
        if result.key in first_row:
            result.error(
                PHASE,
                lazy_format(
                    _(
                        "Duplicate row: the same worker, mandate and phase are already on row "
                        "%(row)s."
                    ),
                    row=first_row[result.key],
                ),
            )
        else:
            first_row[result.key] = result.row
    return results
