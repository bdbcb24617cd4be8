"""Import of the financial system's payment confirmations: one row per payment (reference, day,
amount), checked against what was approved and applied all or nothing.

As the phase import (trajectories.imports): the file is read by the same readers and limits
(trajectories.upload_checks), the preview is the real apply inside a transaction that is rolled
back, the file is kept with its batch so that what is applied is what was previewed, and every
message of the report is stored in every language (`doorstroom.languages`) for each reader to
read in theirs. Every row goes through `services.payment_record`, the rule of recording one
payment by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.languages import in_every_language, lazy_call, lazy_format, lazy_join
from payments import services
from payments.exports import AMOUNT, CONFIRMATION_COLUMNS, PAID_ON, REFERENCE
from payments.models import Claim, PaymentImportBatch, PaymentImportStatus
from trajectories.imports import read_table
from trajectories.imports.parsing import parse_date
from trajectories.imports.reading import checksum_of, clean_text, decimal_comma
from trajectories.upload_checks import ImportFileError

PAYMENT_REFERENCE = re.compile(r"^SV-(\d{6,})-(\d+)$")
# A ValidationError of the service names its field; the report names the file's column.
FIELD_COLUMNS = {"reference": REFERENCE, "paid_on": PAID_ON, "amount": AMOUNT}


def column_names() -> dict[str, str]:
    """Every name a column is read by (its header in every language) -> the column."""
    columns = list(CONFIRMATION_COLUMNS)
    names = {}
    for column, texts in zip(
        columns, in_every_language([CONFIRMATION_COLUMNS[c] for c in columns]), strict=True
    ):
        names.update({text.casefold(): column for text in texts.values()})
    return names


@dataclass
class ConfirmationRow:
    row: int
    reference: str = ""
    paid_on: dt.date | None = None
    amount: Decimal | None = None
    action: str = ""  # paid, error
    # What the file held for a date or amount, shown where it could not be read.
    as_written: dict[str, str] = field(default_factory=dict)
    # (column, message): both lazy, stored in every language.
    errors: list[tuple[str, object]] = field(default_factory=list)

    def error(self, column: str, message) -> None:
        self.errors.append((column, message))
        self.action = "error"


@dataclass
class ConfirmationReport:
    file_errors: list = field(default_factory=list)
    rows: list[ConfirmationRow] = field(default_factory=list)
    file_format: str = ""
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    def as_json(self) -> dict:
        """Stored with the batch: every message in every language, as {language: text}."""
        texts = [*self.file_errors]
        for row in self.rows:
            for column, message in row.errors:
                texts += [CONFIRMATION_COLUMNS[column], message]
        stored = iter(in_every_language(texts))
        file_errors = [next(stored) for _error in self.file_errors]
        rows = []
        for row in self.rows:
            errors = [{"column": next(stored), "message": next(stored)} for _ in row.errors]
            rows.append(
                {
                    "row": row.row,
                    "reference": row.reference,
                    "paid_on": row.paid_on.isoformat() if row.paid_on else None,
                    "amount": str(row.amount) if row.amount is not None else None,
                    "as_written": row.as_written,
                    "action": row.action,
                    "errors": errors,
                }
            )
        return {"file_errors": file_errors, "rows": rows}


def parse_amount(value, *, comma: bool) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = clean_text(value).replace(" ", "").replace("€", "")
        if comma and "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif not comma:
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                lazy_format(
                    _("'%(value)s' is no amount. Write it as 1234,56."), value=clean_text(value)
                )
            ) from None
    if not number.is_finite() or number <= 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(_("An amount is more than 0, with at most two decimals."))
    return number.quantize(Decimal("0.01"))


def _as_written(cell) -> str:
    """A cell as the file held it; a spreadsheet's date as a Belgian writes it."""
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return f"{cell:%d/%m/%Y}"
    return clean_text(cell)


def parse_rows(table: list[list], *, comma: bool) -> list[ConfirmationRow]:
    known = column_names()
    header = [clean_text(cell).casefold() for cell in (table[0] if table else [])]
    positions = {known[key]: i for i, key in enumerate(header) if key in known}
    missing = [CONFIRMATION_COLUMNS[c] for c in CONFIRMATION_COLUMNS if c not in positions]
    if missing:
        raise ImportFileError(
            lazy_format(
                _("Columns missing: %(missing)s. The first line names the columns: %(columns)s."),
                missing=lazy_join(missing),
                columns=lazy_join(CONFIRMATION_COLUMNS.values()),
            )
        )
    today = timezone.localdate()
    rows, seen = [], {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(clean_text(cell) for cell in cells):
            continue
        cells = [*cells, *[None] * len(CONFIRMATION_COLUMNS)]
        row = ConfirmationRow(row=number, reference=clean_text(cells[positions[REFERENCE]]))
        if not PAYMENT_REFERENCE.match(row.reference):
            row.error(
                REFERENCE,
                lazy_format(
                    _("'%(value)s' is no payment reference such as SV-000012-1."),
                    value=row.reference,
                ),
            )
        elif row.reference in seen:
            row.error(
                REFERENCE,
                lazy_format(
                    _("This reference is on row %(row)s already."), row=seen[row.reference]
                ),
            )
        else:
            seen[row.reference] = number
        row.as_written = {
            "paid_on": _as_written(cells[positions[PAID_ON]]),
            "amount": _as_written(cells[positions[AMOUNT]]),
        }
        try:
            row.paid_on = parse_date(cells[positions[PAID_ON]], today=today)
        except ValueError as error:
            row.error(PAID_ON, error.args[0])
        try:
            row.amount = parse_amount(cells[positions[AMOUNT]], comma=comma)
        except ValueError as error:
            row.error(AMOUNT, error.args[0])
        rows.append(row)
    return rows


class _DryRun(Exception):
    """Raised at the end of a preview, or on any error, so the transaction rolls back."""


def confirmations_run(
    *, data: bytes, file_name: str, user, apply: bool, batch: PaymentImportBatch | None = None
) -> ConfirmationReport:
    """Check every row and record its payment; a preview (or a file with an error) is rolled
    back, so nothing changes unless every row is right."""
    report = ConfirmationReport()
    try:
        report.file_format, table = read_table(data, file_name)
        comma = report.file_format == "xlsx" or decimal_comma(report.file_format)
        report.rows = parse_rows(table, comma=comma)
    except ImportFileError as error:
        report.file_errors.append(error.args[0])
        return report
    if not report.rows:
        report.file_errors.append(_("The file holds no payments."))
        return report
    try:
        with transaction.atomic():
            _record(report.rows, user=user, batch=batch)
            if not apply or not report.ok:
                raise _DryRun
            report.applied = True
    except _DryRun:
        pass
    return report


def _messages(error: ValidationError) -> list[tuple[str, object]]:
    """(column, message) of a service's refusal, put into the reader's language when shown: a
    Django-style error (a lazy message and its params) is formatted again each time."""
    named = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    return [
        (
            FIELD_COLUMNS.get(name, REFERENCE),
            lazy_call(lambda errors=errors: " ".join(ValidationError(errors).messages)),
        )
        for name, errors in named.items()
    ]


def _record(rows: list[ConfirmationRow], *, user, batch) -> None:
    numbers = {int(m.group(1)) for r in rows if (m := PAYMENT_REFERENCE.match(r.reference))}
    claims = Claim.objects.visible_to(user).in_bulk(numbers)
    for row in rows:
        if row.errors:
            continue
        claim = claims.get(int(PAYMENT_REFERENCE.match(row.reference).group(1)))
        if claim is None:
            row.error(
                REFERENCE,
                lazy_format(
                    _("No claim of yours has the reference %(reference)s."),
                    reference=row.reference,
                ),
            )
            continue
        try:
            services.payment_record(
                user=user,
                claim=claim,
                reference=row.reference,
                paid_on=row.paid_on,
                amount=row.amount,
                import_batch=batch,
            )
        except ValidationError as error:
            for column, message in _messages(error):
                row.error(column, message)
        except PermissionDenied as error:
            row.error(REFERENCE, str(error))
        else:
            row.action = "paid"


def _fill(batch: PaymentImportBatch, report: ConfirmationReport) -> None:
    batch.file_format = report.file_format
    batch.row_count = len(report.rows)
    batch.error_count = sum(1 for r in report.rows if r.errors) + len(report.file_errors)
    batch.report = report.as_json()


def payment_import_check(*, user, data: bytes, file_name: str) -> PaymentImportBatch:
    """Keep the uploaded file with the preview of what it would do."""
    if not roles.may_decide_claims(user):
        raise PermissionDenied(_("Only finance staff record payments."))
    report = confirmations_run(data=data, file_name=file_name, user=user, apply=False)
    batch = PaymentImportBatch(
        created_by=user,
        file_name=file_name[:255],
        checksum=checksum_of(data),
        content=b"" if report.file_errors else data,
        status=PaymentImportStatus.CHECKED if report.ok else PaymentImportStatus.REJECTED,
    )
    _fill(batch, report)
    batch.save()
    return batch


def payment_import_apply(*, batch: PaymentImportBatch, user) -> PaymentImportBatch:
    """Record every payment of a checked file, or none."""
    if not roles.may_decide_claims(user):
        raise PermissionDenied(_("Only finance staff record payments."))
    with transaction.atomic():
        batch = PaymentImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != PaymentImportStatus.CHECKED:
            return batch
        with pghistory.context(payment_import=batch.pk, user=user.pk):
            report = confirmations_run(
                data=bytes(batch.content),
                file_name=batch.file_name,
                user=user,
                apply=True,
                batch=batch,
            )
        _fill(batch, report)
        if report.applied:
            batch.status = PaymentImportStatus.APPLIED
            batch.applied_at = timezone.now()
        else:
            batch.status = PaymentImportStatus.REJECTED
        batch.save()
    return batch
