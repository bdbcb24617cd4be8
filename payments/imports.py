"""Import of the financial system's payment confirmations: one row per payment (reference, day,
amount), checked against what was approved and applied all or nothing.

As the phase import (trajectories.imports): the file is read by the same readers and limits
(trajectories.upload_checks), the preview is the real apply inside a transaction that is rolled
back, and the file is kept with its batch so that what is applied is what was previewed. Every
row goes through `services.payment_record`, the rule of recording one payment by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doorstroom import roles
from doorstroom.exports import DIALECTS
from payments import services
from payments.exports import CONFIRMATION_COLUMNS
from payments.models import Claim, PaymentImportBatch, PaymentImportStatus
from trajectories.imports import checksum_of, clean_text, parse_date, read_table
from trajectories.upload_checks import ImportFileError

REFERENCE, PAID_ON, AMOUNT = CONFIRMATION_COLUMNS
ALSO_KNOWN_AS = {"referentie": REFERENCE, "datum": PAID_ON, "bedrag": AMOUNT}
PAYMENT_REFERENCE = re.compile(r"^SV-(\d{6,})-(\d+)$")


@dataclass
class ConfirmationRow:
    row: int
    reference: str = ""
    paid_on: dt.date | None = None
    amount: Decimal | None = None
    action: str = ""  # paid, error
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))
        self.action = "error"

    def as_json(self) -> dict:
        data = asdict(self)
        data["paid_on"] = self.paid_on.isoformat() if self.paid_on else None
        data["amount"] = str(self.amount) if self.amount is not None else None
        data["errors"] = [{"column": c, "message": m} for c, m in self.errors]
        return data


@dataclass
class ConfirmationReport:
    file_errors: list[str] = field(default_factory=list)
    rows: list[ConfirmationRow] = field(default_factory=list)
    file_format: str = ""
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    def as_json(self) -> dict:
        return {"file_errors": self.file_errors, "rows": [r.as_json() for r in self.rows]}


def parse_amount(value, *, decimal_comma: bool) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = clean_text(value).replace(" ", "").replace("€", "")
        if decimal_comma and "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif not decimal_comma:
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("'%(value)s' is no amount. Write it as 1234,56.") % {"value": clean_text(value)}
            ) from None
    if not number.is_finite() or number <= 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(_("An amount is more than 0, with at most two decimals."))
    return number.quantize(Decimal("0.01"))


def parse_rows(table: list[list], *, decimal_comma: bool) -> list[ConfirmationRow]:
    known = {name.casefold(): name for name in CONFIRMATION_COLUMNS} | ALSO_KNOWN_AS
    header = [clean_text(cell).casefold() for cell in (table[0] if table else [])]
    positions = {known[key]: i for i, key in enumerate(header) if key in known}
    missing = [name for name in CONFIRMATION_COLUMNS if name not in positions]
    if missing:
        raise ImportFileError(
            _("Columns missing: %(missing)s. The first line names the columns: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(CONFIRMATION_COLUMNS)}
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
                _("'%(value)s' is no payment reference such as SV-000012-1.")
                % {"value": row.reference},
            )
        elif row.reference in seen:
            row.error(
                REFERENCE,
                _("This reference is on row %(row)s already.") % {"row": seen[row.reference]},
            )
        else:
            seen[row.reference] = number
        try:
            row.paid_on = parse_date(cells[positions[PAID_ON]], today=today)
        except ValueError as error:
            row.error(PAID_ON, str(error))
        try:
            row.amount = parse_amount(cells[positions[AMOUNT]], decimal_comma=decimal_comma)
        except ValueError as error:
            row.error(AMOUNT, str(error))
        rows.append(row)
    return rows


FIELD_COLUMNS = {"reference": REFERENCE, "paid_on": PAID_ON, "amount": AMOUNT}


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
        dialect = DIALECTS.get(report.file_format)
        report.rows = parse_rows(
            table, decimal_comma=dialect is None or dialect.decimal_separator == ","
        )
    except ImportFileError as error:
        report.file_errors.append(str(error))
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
                _("No claim of yours has the reference %(reference)s.")
                % {"reference": row.reference},
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
            for name, messages in getattr(error, "message_dict", {None: error.messages}).items():
                row.error(FIELD_COLUMNS.get(name, REFERENCE), " ".join(messages))
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
    # The report is kept with the file in Dutch, as the phase import's, whoever reads it later.
    with translation.override("nl-be"):
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
        with (
            pghistory.context(payment_import=batch.pk, user=user.pk),
            translation.override("nl-be"),
        ):
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
