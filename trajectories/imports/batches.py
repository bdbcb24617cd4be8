"""Imports as staff use them: an upload checked and kept with its report, applied later."""

from __future__ import annotations

from collections.abc import Iterable

import pghistory
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from trajectories.imports.applying import import_run
from trajectories.imports.report import ImportReport
from trajectories.models import (
    ImportBatch,
    ImportStatus,
)


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
        raise PermissionError(_("Only those who may edit data can import a file."))
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
        raise PermissionError(_("Only those who may edit data can import a file."))
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
