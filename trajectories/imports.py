"""Import of phase progress from a provider's spreadsheet: read, check every row, apply or not.

One row is one phase of one trajectory: worker reference, project number of the mandate, phase,
start, end (empty while it runs) and hours. The columns are those of the `trajectory-phases`
export, so an exported file can be edited and sent back; the other columns of that export and of
`trajectories` are information and are ignored.

The preview is the real apply inside a transaction that is rolled back, so what the preview
shows is what applying does. The rules are those of `trajectories.services` (the `*_checked`
variants, which take the trajectory locked and its phases read in bulk) and of the database; an
import never creates a worker or a trajectory, only phases of trajectories the user may see.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from stdnum.be import nn as be_nn

from doorstroom import roles
from doorstroom.exports import DIALECTS, FORMULA_TRIGGERS
from mandates.models import Mandate
from trajectories import services, upload_checks
from trajectories.dates import date_in_future_refuse
from trajectories.exports import dutch
from trajectories.indexation import HealthIndex
from trajectories.models import (
    FeeSchedule,
    ImportBatch,
    ImportStatus,
    Phase,
    PhaseRecord,
    Trajectory,
)
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


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class RowResult:
    """What one row of the file does (or would do), or why it cannot."""

    row: int
    worker_reference: str = ""
    project_number: int | None = None
    phase: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    hours: Decimal | None = None
    insz: str = ""
    action: str = ""  # created, changed, unchanged, error
    detail: str = ""
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, message))
        self.action = "error"

    @property
    def key(self) -> tuple:
        return (self.worker_reference, self.project_number, self.phase)

    def as_json(self) -> dict:
        data = asdict(self)
        for name in ("start_date", "end_date"):
            data[name] = data[name].isoformat() if data[name] else None
        data["hours"] = str(data["hours"]) if data["hours"] is not None else None
        data.pop("insz")  # never kept: the report is stored with the batch
        return data


ACTIONS = ("created", "changed", "unchanged", "error")


@dataclass
class ImportReport:
    file_name: str
    checksum: str
    file_format: str = ""
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action or "error"] += 1
        return counts

    def as_json(self) -> dict:
        return {
            "file_errors": self.file_errors,
            "counts": self.counts,
            "rows": [row.as_json() for row in self.rows],
        }


# --- reading ------------------------------------------------------------------------------------


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


def _decimal_comma(file_format: str) -> bool:
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


def _header_key(value) -> str:
    return clean_text(value).casefold()


# --- parsing cells ------------------------------------------------------------------------------


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
        key = _header_key(cell)
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


# --- checking against the database and applying -------------------------------------------------


class _DryRun(Exception):
    """Raised at the end of a preview so the transaction rolls back."""


COMPLETION_FIELDS = [
    "end_date",
    "hours",
    "fee_amount",
    "fee_schedule",
    "index_reference_month",
    "index_value",
    "index_base_value",
    "fee_note",
]


@dataclass
class _Writes:
    """What the rows change, written at the end in a few statements instead of one per row
    (the services are called with save=False). Order matters to the phase-order trigger:
    completions of existing phases first, then the new phases, then the trajectories."""

    new_phases: list[PhaseRecord] = field(default_factory=list)
    changed_phases: dict[int, PhaseRecord] = field(default_factory=dict)
    completed_trajectories: dict[int, Trajectory] = field(default_factory=dict)

    def changed(self, record: PhaseRecord) -> None:
        if record.pk is not None:
            self.changed_phases[record.pk] = record

    def write(self) -> None:
        if self.changed_phases:
            update_from_values(PhaseRecord, self.changed_phases.values(), COMPLETION_FIELDS)
        if self.new_phases:
            PhaseRecord.objects.bulk_create(self.new_phases, batch_size=2000)
        if self.completed_trajectories:
            update_from_values(
                Trajectory, self.completed_trajectories.values(), ["status", "end_date", "outcome"]
            )


def update_from_values(model, objects: Iterable, fields: list[str], batch_size: int = 5000) -> None:
    """UPDATE ... FROM unnest(arrays): one statement per batch. Django's bulk_update writes a CASE
    per field that PostgreSQL evaluates row by row, which takes seconds on thousands of rows."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    # One array parameter per column: a statement with tens of thousands of placeholders costs
    # more to build than to run.
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in [pk, *columns])
    names = ", ".join(quote(c.column) for c in columns)
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v(pk, {names}) WHERE t.{quote(pk.column)} = v.pk"
    )
    objects = list(objects)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            chunk = objects[start : start + batch_size]
            params = [[obj.pk for obj in chunk]]
            for column in columns:
                params.append(
                    [
                        column.get_db_prep_save(getattr(obj, column.attname), connection)
                        for obj in chunk
                    ]
                )
            cursor.execute(sql, params)


def _schedule_cache() -> services.ScheduleLookup:
    schedules = list(FeeSchedule.objects.prefetch_related("phases"))
    found: dict[dt.date, FeeSchedule] = {}

    def schedule_for(on: dt.date) -> FeeSchedule:
        if on not in found:
            for schedule in schedules:
                if schedule.is_in_force(on):
                    found[on] = schedule
                    break
            else:
                return services.fee_schedule_in_force(on=on)  # raises the service's message
        return found[on]

    return schedule_for


def _message(error: ValidationError) -> tuple[str | None, str]:
    """(field, text) of a service's ValidationError."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return name, " ".join(str(m) for e in errors for m in e.messages)
    return None, " ".join(error.messages)


def _apply_row(
    row: RowResult,
    *,
    trajectory: Trajectory,
    phases: list[PhaseRecord],
    index: HealthIndex,
    schedule_for: services.ScheduleLookup,
    writes: _Writes,
) -> None:
    existing = next((p for p in phases if p.phase == row.phase), None)
    label = phase_label(row.phase)
    if existing is not None:
        if existing.start_date != row.start_date:
            row.error(
                START,
                f"{label} is gestart op {existing.start_date:%d/%m/%Y}, niet op "
                f"{row.start_date:%d/%m/%Y}. Een startdatum verbeteren kan niet via een import: "
                "vraag het aan VDAB.",
            )
            return
        if existing.end_date != row.end_date and existing.end_date is not None:
            shown = f"{row.end_date:%d/%m/%Y}" if row.end_date else "leeg"
            row.error(
                END,
                f"{label} is al afgerond op {existing.end_date:%d/%m/%Y} (einddatum in het "
                f"bestand: {shown}); de vergoeding ligt vast. Een afgeronde fase wijzigen kan niet "
                "via een import.",
            )
            return
        if existing.end_date is None and row.end_date is not None:
            hours = row.hours if row.hours is not None else existing.hours
            services.phase_complete_checked(
                trajectory=trajectory,
                phases=phases,
                end_date=row.end_date,
                hours=hours,
                index=index,
                schedule_for=schedule_for,
                save=False,
            )
            writes.changed(existing)
            if existing.phase == Phase.NAZORG:
                writes.completed_trajectories[trajectory.pk] = trajectory
            row.action, row.detail = "changed", f"{label} afgerond op {row.end_date:%d/%m/%Y}"
            return
        if row.hours is not None and row.hours != existing.hours:
            row.detail = (
                f"uren van {label}: {number_format(existing.hours, 2)} → "
                f"{number_format(row.hours, 2)}"
            )
            services.phase_hours_record(record=existing, hours=row.hours)
            writes.changed(existing)
            row.action = "changed"
            return
        row.action = "unchanged"
        return

    last = phases[-1]
    if row.phase != last.phase + 1:
        row.error(
            PHASE,
            f"{label} kan nog niet: de laatste fase van dit traject is {phase_label(last.phase)}. "
            "De fasen volgen elkaar op: Voortraject, Job matching, Stage, Nazorg.",
        )
        return
    record = services.phase_start_checked(
        trajectory=trajectory,
        phases=phases,
        start_date=row.start_date,
        schedule_for=schedule_for,
        save=False,
    )
    phases.append(record)
    writes.new_phases.append(record)
    row.action, row.detail = "created", f"{label} gestart op {row.start_date:%d/%m/%Y}"
    if row.end_date is not None:
        services.phase_complete_checked(
            trajectory=trajectory,
            phases=phases,
            end_date=row.end_date,
            hours=row.hours or Decimal("0"),
            index=index,
            schedule_for=schedule_for,
            save=False,
        )
        if record.phase == Phase.NAZORG:
            writes.completed_trajectories[trajectory.pk] = trajectory
        row.detail += f" en afgerond op {row.end_date:%d/%m/%Y}"
    elif row.hours:
        services.phase_hours_record(record=record, hours=row.hours)


def _check_and_apply(rows: list[RowResult], *, user) -> None:
    """Look every row up in bulk (a handful of queries, whatever the number of rows), then apply
    the good ones in order of trajectory and phase."""
    candidates = [r for r in rows if not r.errors]
    numbers = {r.project_number for r in candidates}
    references = {r.worker_reference for r in candidates}
    visible_mandates = dict(
        Mandate.objects.visible_to(user)
        .filter(project_number__in=numbers)
        .values_list("project_number", "pk")
    )
    trajectories = (
        Trajectory.objects.visible_to(user)
        .filter(worker__reference__in=references)
        .select_related("worker")
        .select_for_update(of=("self",))
        .order_by("start_date", "pk")
    )
    by_worker_mandate: dict[tuple[str, int], Trajectory] = {}
    known_references = set()
    for trajectory in trajectories:
        known_references.add(trajectory.worker.reference)
        # The latest trajectory of a worker with a mandate is the one a provider reports on.
        by_worker_mandate[(trajectory.worker.reference, trajectory.mandate_id)] = trajectory
    phases: dict[int, list[PhaseRecord]] = defaultdict(list)
    for record in PhaseRecord.objects.filter(
        trajectory__in=[t.pk for t in by_worker_mandate.values()]
    ).order_by("trajectory", "phase"):
        phases[record.trajectory_id].append(record)

    planned: list[tuple[RowResult, Trajectory]] = []
    for row in candidates:
        mandate_id = visible_mandates.get(row.project_number)
        if mandate_id is None:
            row.error(
                MANDATE,
                f"Onbekend mandaat: projectnummer {row.project_number} bestaat niet of u hebt er "
                "geen toegang toe.",
            )
            continue
        if row.worker_reference not in known_references:
            row.error(
                WORKER,
                f"Onbekende werknemer: {row.worker_reference} heeft geen traject dat u kunt "
                "bijwerken. Een import maakt geen nieuwe werknemers of trajecten aan.",
            )
            continue
        trajectory = by_worker_mandate.get((row.worker_reference, mandate_id))
        if trajectory is None:
            row.error(
                MANDATE,
                f"{row.worker_reference} heeft geen traject bij mandaat {row.project_number} dat "
                "u kunt bijwerken. Een import maakt geen nieuwe trajecten aan.",
            )
            continue
        if row.insz and trajectory.worker.insz and row.insz != trajectory.worker.insz:
            row.error(
                INSZ, f"Het rijksregisternummer hoort niet bij werknemer {row.worker_reference}."
            )
            continue
        planned.append((row, trajectory))

    if not planned:
        return
    index = HealthIndex.load()
    schedule_for = _schedule_cache()
    planned.sort(key=lambda item: (item[1].pk, item[0].phase))
    failed_trajectories: set[int] = set()
    writes = _Writes()
    for row, trajectory in planned:
        if trajectory.pk in failed_trajectories:
            row.error(PHASE, "Niet gecontroleerd: een eerdere fase van dit traject heeft een fout.")
            continue
        try:
            _apply_row(
                row,
                trajectory=trajectory,
                phases=phases[trajectory.pk],
                index=index,
                schedule_for=schedule_for,
                writes=writes,
            )
        except ValidationError as error:
            name, text = _message(error)
            column = {"hours": HOURS}.get(name) or (END if row.end_date else START)
            row.error(column, text)
        if row.errors:
            failed_trajectories.add(trajectory.pk)
    if not any(row.errors for row in rows):
        writes.write()


def import_run(*, data: bytes, file_name: str, user, apply: bool) -> ImportReport:
    """Read and check a file and either apply it (all or nothing) or show what it would do.

    Raises nothing for bad input: every problem is in the report. `apply=False` runs exactly the
    same code and rolls back.
    """
    report = ImportReport(file_name=file_name, checksum=checksum_of(data))
    today = timezone.localdate()
    with translation.override("nl-be"):
        try:
            report.file_format, table = read_table(data, file_name)
            report.rows = parse_rows(
                table, decimal_comma=_decimal_comma(report.file_format), today=today
            )
            if not report.rows:
                raise ImportFileError("Het bestand heeft een kopregel maar geen rijen.")
        except ImportFileError as error:
            report.file_errors.append(str(error))
            return report
        try:
            with transaction.atomic():
                _check_and_apply(report.rows, user=user)
                if not apply or not report.ok:
                    raise _DryRun
                report.applied = True
        except _DryRun:
            pass
        except DatabaseError as error:
            # A rule only the database knows (a trigger, a constraint): nothing was kept.
            report.applied = False
            report.file_errors.append(
                "De database weigerde een wijziging; er is niets opgeslagen. Melding: "
                + str(error).splitlines()[0][:300]
            )
    return report


# --- batches (what the views use) --------------------------------------------------------------


def _fill(batch: ImportBatch, report: ImportReport) -> None:
    counts = report.counts
    batch.file_format = report.file_format
    batch.row_count = len(report.rows)
    batch.created_count = counts["created"]
    batch.changed_count = counts["changed"]
    batch.unchanged_count = counts["unchanged"]
    batch.error_count = counts["error"] + len(report.file_errors)
    batch.report = report.as_json()


def import_batch_check(*, user, data: bytes, file_name: str) -> ImportBatch:
    """Store the uploaded file with the preview of what it would do."""
    if not roles.may_edit(user):
        raise PermissionError("Alleen wie gegevens mag bewerken, kan een bestand importeren.")
    report = import_run(data=data, file_name=file_name, user=user, apply=False)
    batch = ImportBatch(
        created_by=user,
        file_name=file_name[:255],
        checksum=report.checksum,
        # A file that cannot be read is not kept: there is nothing to apply.
        content=b"" if report.file_errors else data,
        status=ImportStatus.CHECKED if report.ok else ImportStatus.REJECTED,
    )
    _fill(batch, report)
    batch.save()
    return batch


def import_batch_apply(*, batch: ImportBatch, user) -> ImportBatch:
    """Apply a checked file: all rows or none, every change marked with this import. An applied
    or rejected batch is left as it is (a rejected one keeps no file, and its report stays)."""
    if not roles.may_edit(user):
        raise PermissionError("Alleen wie gegevens mag bewerken, kan een bestand importeren.")
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.CHECKED:
            return batch
        with pghistory.context(import_batch=batch.pk, user=user.pk):
            report = import_run(
                data=bytes(batch.content), file_name=batch.file_name, user=user, apply=True
            )
        _fill(batch, report)
        if report.applied:
            batch.status = ImportStatus.APPLIED
            batch.applied_at = timezone.now()
        else:
            batch.status = ImportStatus.REJECTED
        batch.save()
    return batch


def previous_applications(batch: ImportBatch) -> Iterable[ImportBatch]:
    """Earlier applied imports of the very same file (by checksum)."""
    return (
        ImportBatch.objects.for_listing()
        .filter(checksum=batch.checksum, status=ImportStatus.APPLIED)
        .exclude(pk=batch.pk)
    )


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
