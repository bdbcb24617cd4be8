"""A confirmation file of the financial system: which approved claims it paid, when, how much."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom import roles


class PaymentImportStatus(models.TextChoices):
    CHECKED = "gecontroleerd", _("checked, not applied")
    REJECTED = "afgekeurd", _("rejected: errors")
    APPLIED = "toegepast", _("applied")


class PaymentImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> PaymentImportBatchQuerySet:
        """Confirmation files are finance's: those who record payments see them all."""
        return self if roles.may_decide_claims(user) else self.none()


class PaymentImportBatch(models.Model):
    """One uploaded confirmation file, kept with the preview of what it does (as the phase
    import keeps its file: what is applied is exactly what was previewed)."""

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
        _("status"),
        max_length=20,
        choices=PaymentImportStatus.choices,
        default=PaymentImportStatus.CHECKED,
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report per row"), default=dict, blank=True)

    objects = PaymentImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment confirmation file")
        verbose_name_plural = _("payment confirmation files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentImportStatus.values),
                name="payment_import_status_known",
                violation_error_message=_(
                    "This confirmation file has an unknown status; only checking and "
                    "applying the file change its status."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status=PaymentImportStatus.APPLIED, applied_at__isnull=False, error_count=0
                )
                | (~Q(status=PaymentImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="payment_import_applied_iff_applied_at_without_errors",
                violation_error_message=_(
                    "Only a confirmation file without errors is applied, and only an "
                    "applied file has the time it was applied."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("payments:import-detail", args=[self.pk])
