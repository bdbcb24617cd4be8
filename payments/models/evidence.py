"""Evidence: the documents behind a claimed phase, and which ones each phase needs.

Files go through Django's storage API (`STORAGES["evidence"]`, a git-ignored folder by
default); they are never given a public URL and are served by a view that asks
`EvidenceDocument.objects.visible_to(user)` first.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from payments.models.claims import ClaimLine, scoped_to_mandates
from trajectories.models import Phase, PhaseRecord


def evidence_storage():
    return storages["evidence"]


def evidence_path(document: EvidenceDocument, filename: str) -> str:
    """The document's generated name (never the uploader's) made unique, in its phase's folder."""
    stem = PurePath(document.original_name).stem or "document"
    return (
        f"{document.phase.trajectory_id}/{document.phase_id}/"
        f"{stem}-{uuid.uuid4().hex[:12]}{document.extension}"
    )


def evidence_file_name(*, kind, phase, claim_line, extension: str) -> str:
    """The name a document is kept, shown and downloaded under: its kind, the claim line or the
    phase it documents (by pseudonymous references only) and the extension of its detected type.
    The uploaded name is never kept: it often holds the worker's name or national number."""
    if claim_line is not None:
        reference = f"{claim_line.claim.number}-L{claim_line.position}"
    else:
        reference = f"{phase.trajectory.worker.reference}-F{phase.phase}"
    return f"{kind.code}_{reference}{extension}"


@audited()
class DocumentKind(models.Model):
    """A kind of document (internship agreement, proof of employment, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["name"]

    LABEL_FIELDS = ("name",)

    def __str__(self) -> str:
        return self.name


@audited()
class EvidenceRequirement(models.Model):
    """A document kind a phase needs before its claim can be submitted (data, not code)."""

    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("document kind"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["phase", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "kind"], name="evidence_requirement_once"),
            models.CheckConstraint(
                condition=models.Q(phase__gte=1, phase__lte=4),
                name="evidence_requirement_phase",
                violation_error_message=_("Choose one of the four phases."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.kind}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceDocumentQuerySet:
        return scoped_to_mandates(self, user, "phase__trajectory__mandate")


@audited()
class EvidenceDocument(models.Model):
    """One uploaded document for a phase (and, when uploaded on a claim, for its line)."""

    phase = models.ForeignKey(
        PhaseRecord, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="evidence"
    )
    claim_line = models.ForeignKey(
        ClaimLine,
        verbose_name=_("claim line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name=_("document kind"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to=evidence_path, max_length=255
    )
    # Generated (evidence_file_name), never the name the file was uploaded with.
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type (from its content)"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceDocumentQuerySet.as_manager()

    # Set by the service from the detected type before the file is saved (evidence_path).
    extension = ""

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["phase", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0),
                name="evidence_document_not_empty",
                violation_error_message=_("The document is empty: upload the file again."),
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="evidence_document_sha256",
                violation_error_message=_(
                    "The fingerprint of a document is a SHA-256 hash: 64 characters, 0-9 and a-f."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("payments:evidence-download", args=[self.pk])
