"""Import batches of phase progress: what was checked, applied and reported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.exports import DIALECTS


class ImportStatus(models.TextChoices):
    CHECKING = "te controleren", _("being checked")
    CANCELLED = "geannuleerd", _("check cancelled")
    CHECKED = "gecontroleerd", _("checked, not applied")
    REJECTED = "afgekeurd", _("rejected: errors")
    APPLIED = "toegepast", _("applied")


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportBatchQuerySet:
        """Staff who see everything see every import; everyone else only their own."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)

    def for_listing(self) -> ImportBatchQuerySet:
        return self.select_related("created_by").defer("content", "report")


class ImportBatch(models.Model):
    """One uploaded file of phase progress: who sent it, what it holds, what it did.

    The file itself is kept (a few MB at most) so the preview that was shown is exactly what is
    applied; its checksum tells when the same file comes twice.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=40, blank=True)
    content = models.BinaryField(_("file"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("left alone"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report per row"), default=dict, blank=True)
    # The latest job that checks or applies it (a worker runs them: trajectories.tasks).
    job = models.ForeignKey(
        "doorstroom.Job",
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="import_batch_status_known",
                violation_error_message=_(
                    "This import has an unknown status; only checking and applying the "
                    "import change its status."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.APPLIED, applied_at__isnull=False, error_count=0)
                | (~Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="import_batch_applied_iff_applied_at_without_errors",
                violation_error_message=_(
                    "Only an import without errors is applied, and only an applied import "
                    "has the time it was applied."
                ),
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="import_batch_checksum_sha256",
                violation_error_message=_(
                    "The checksum of an import is a SHA-256 hash: 64 characters, 0-9 and a-f."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("trajectories:import-detail", args=[self.pk])

    @property
    def file_format_label(self) -> str:
        """The format as the exports page names it (its dialect's label), not its code."""
        dialect = DIALECTS.get(self.file_format)
        if dialect is not None:
            return str(dialect.description)
        return {"xlsx": gettext("Excel workbook (.xlsx)")}.get(self.file_format, self.file_format)
