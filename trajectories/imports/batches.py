"""Imports as staff use them: an upload checked and kept with its report, applied later."""

from __future__ import annotations

from collections.abc import Iterable

import pghistory
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from trajectories.imports.applying import Progress, import_run
from trajectories.imports.reading import checksum_of
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


def require_edit_role(user) -> None:
    if not roles.may_edit(user):
        raise PermissionError(_("Only those who may edit data can import a file."))


def import_batch_keep(*, user, data: bytes, file_name: str) -> ImportBatch:
    """Store an uploaded file to be checked (by a job: trajectories.tasks)."""
    require_edit_role(user)
    return ImportBatch.objects.create(
        created_by=user,
        file_name=file_name[:255],
        checksum=checksum_of(data),
        content=data,
        status=ImportStatus.CHECKING,
    )


def _check(batch: ImportBatch, *, user, progress: Progress | None) -> None:
    data = bytes(batch.content)
    report = import_run(
        data=data, file_name=batch.file_name, user=user, apply=False, progress=progress
    )
    # A file that cannot be read is not kept: there is nothing to apply.
    batch.content = b"" if report.file_errors else data
    batch.status = ImportStatus.CHECKED if report.ok else ImportStatus.REJECTED
    _fill(batch, report)


def import_batch_check_kept(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Check a stored file as its uploader: the preview of what it would do. A batch already
    checked (a job run twice) is left as it is."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=batch.pk)
        )
        if batch.status != ImportStatus.CHECKING:
            return batch
        _check(batch, user=batch.created_by, progress=progress)
        batch.save()
    return batch


def import_batch_check(*, user, data: bytes, file_name: str) -> ImportBatch:
    """Store the uploaded file with the preview of what it would do, at once."""
    batch = import_batch_keep(user=user, data=data, file_name=file_name)
    return import_batch_check_kept(batch=batch)


def import_batch_apply(
    *, batch: ImportBatch, user, progress: Progress | None = None
) -> ImportBatch:
    """Apply a checked file: all rows or none, every change marked with this import. An applied
    or rejected batch is left as it is (a rejected one keeps no file, and its report stays)."""
    require_edit_role(user)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.CHECKED:
            return batch
        with pghistory.context(import_batch=batch.pk, user=user.pk):
            report = import_run(
                data=bytes(batch.content),
                file_name=batch.file_name,
                user=user,
                apply=True,
                progress=progress,
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
