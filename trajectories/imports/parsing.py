"""The header and every row's cells checked on their own, before the database is asked; the
columns of the import and of the template."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.be import nn as be_nn

from trajectories.dates import date_in_future_refuse
from trajectories.exports import dutch
from trajectories.imports.reading import clean_text
from trajectories.imports.report import RowResult
from trajectories.models import Phase, PhaseRecord
from trajectories.upload_checks import ImportFileError, Limits

WORKER = "Referentie werknemer"
MANDATE = "Projectnummer"
PHASE = "Fase"
START = "Startdatum"
END = "Einddatum"
HOURS = "Uren"
INSZ = "INSZ"
REQUIRED_COLUMNS = (WORKER, MANDATE, PHASE, START)
OPTIONAL_COLUMNS = (END, HOURS, INSZ)
TEMPLATE_COLUMNS = (WORKER, "Oproep", MANDATE, "Projectnaam", PHASE, START, END, HOURS)
# Columns of our own exports that are there to read, not to import.
INFORMATIVE_COLUMNS = (
    "Oproep",
    "Projectnaam",
    "Werkgever sociale economie",
    "Gastwerkgever stage",
    "Status",
    "Huidige fase",
    "Maximale duur overschreden",
    "Vergoeding (EUR)",
    "Doorstroom naar reguliere job",
    "Demo",
    "Uiterste datum",
)

WORKER_REFERENCE = re.compile(r"^DW-[0-9]{6,}$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
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
                f"'{text}' is geen datum. Schrijf de datum als dd/mm/jjjj (bv. 31/01/2026) of "
                "jjjj-mm-dd."
            )
    try:
        date_in_future_refuse(day, today=today)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
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
                f"'{clean_text(value)}' is geen aantal uren. Schrijf een getal, bv. 12,5."
            ) from None
    if not number.is_finite():
        raise ValueError("Het aantal uren is geen getal.")
    if number < 0:
        raise ValueError("Het aantal uren kan niet negatief zijn.")
    if number > MAX_HOURS or number != number.quantize(Decimal("0.01")):
        raise ValueError(
            "Het aantal uren kan hoogstens 9999,99 zijn, met ten hoogste twee cijfers na de komma."
        )
    return number.quantize(Decimal("0.01"))


@functools.cache
def phase_names() -> dict[str, int]:
    """Every way a phase may be written: 1-4, its Dutch or English name."""
    names = {}
    for phase in Phase:
        names[str(phase.value)] = phase.value
        for language in ("nl-be", "en"):
            with translation.override(language):
                names[str(phase.label).casefold()] = phase.value
    return names


@functools.cache
def phase_label(phase: int) -> str:
    return dutch(Phase(phase).label)


def parse_phase(value) -> int:
    text = clean_text(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        text = str(int(value))
    phase = phase_names().get(text.casefold())
    if phase is None:
        names = ", ".join(phase_label(p) for p in Phase)
        raise ValueError(f"'{text}' is geen fase. Kies uit: {names} (of 1 tot 4).")
    return phase


def parse_project_number(value) -> int:
    text = clean_text(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ValueError(f"'{text}' is geen projectnummer: dat is een getal, bv. 6441.")
    return int(text)


def parse_rows(table: list[list], *, decimal_comma: bool, today: dt.date) -> list[RowResult]:
    """Check the header, then each row's cells on their own (no database yet)."""
    if not table or not any(clean_text(c) for c in table[0]):
        raise ImportFileError(
            "Het bestand heeft geen kopregel. De eerste regel noemt de kolommen: "
            + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            + "."
        )
    known = {c.casefold(): c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    ignored = {c.casefold() for c in INFORMATIVE_COLUMNS}
    positions: dict[str, int] = {}
    unknown = []
    for position, cell in enumerate(table[0]):
        key = clean_text(cell).casefold()
        if not key:
            continue
        if key in known:
            if known[key] in positions:
                raise ImportFileError(f"De kolom '{known[key]}' staat twee keer in de kopregel.")
            positions[known[key]] = position
        elif key not in ignored:
            unknown.append(clean_text(cell)[:60])
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    problems = []
    if missing:
        problems.append("Kolom(men) ontbreken: " + ", ".join(missing) + ".")
    if unknown:
        problems.append(
            "Onbekende kolom(men): "
            + ", ".join(unknown[:10])
            + ". Gebruik de kolommen van het sjabloon: "
            + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            + "."
        )
    if problems:
        raise ImportFileError(" ".join(problems))
    body = table[1:]
    if len(body) > (max_rows := Limits.from_settings().rows):
        raise ImportFileError(
            f"Het bestand heeft meer dan {max_rows} rijen: verdeel het over meerdere bestanden."
        )

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
            result.error(WORKER, "De referentie van de werknemer ontbreekt.")
        elif not WORKER_REFERENCE.match(reference):
            result.error(
                WORKER,
                f"'{reference[:40]}' is geen referentie van een werknemer (zoals DW-000123).",
            )
        result.worker_reference = reference[:40]
        for column, parse, attribute in (
            (MANDATE, parse_project_number, "project_number"),
            (PHASE, parse_phase, "phase"),
        ):
            value = cell(column)
            if value is None:
                result.error(column, f"De kolom {column} is leeg.")
                continue
            try:
                setattr(result, attribute, parse(value))
            except ValueError as error:
                result.error(column, str(error))
        for column, attribute, required in ((START, "start_date", True), (END, "end_date", False)):
            value = cell(column)
            if value is None:
                if required:
                    result.error(column, f"De kolom {column} is leeg.")
                continue
            try:
                setattr(result, attribute, parse_date(value, today=today))
            except ValueError as error:
                result.error(column, str(error))
        if result.start_date and result.end_date and result.end_date < result.start_date:
            result.error(
                END,
                f"De einddatum ({result.end_date:%d/%m/%Y}) ligt voor de startdatum "
                f"({result.start_date:%d/%m/%Y}).",
            )
        if (hours := cell(HOURS)) is not None:
            try:
                result.hours = parse_decimal(hours, decimal_comma=decimal_comma)
            except ValueError as error:
                result.error(HOURS, str(error))
        if (insz := cell(INSZ)) is not None:
            compact = be_nn.compact(clean_text(insz))
            if not be_nn.is_valid(compact):
                result.error(
                    INSZ,
                    "Het rijksregisternummer (INSZ) klopt niet: het heeft 11 cijfers en de "
                    "laatste twee zijn een controlegetal. Kijk het nummer na.",
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
                f"Dubbele rij: dezelfde werknemer, hetzelfde mandaat en dezelfde fase staan al op "
                f"rij {first_row[result.key]}.",
            )
        else:
            first_row[result.key] = result.row
    return results


def template_rows(phases: Iterable[PhaseRecord]) -> Iterator[tuple]:
    """Rows of the template/export: one per phase, in the import's columns."""
    for record in phases:
        trajectory = record.trajectory
        yield (
            trajectory.worker.reference,
            trajectory.mandate.call.number,
            trajectory.mandate.project_number,
            trajectory.mandate.name,
            phase_label(record.phase),
            record.start_date,
            record.end_date,
            record.hours,
        )
