"""Evidence: uploading a document for a phase (or a claim line), and what a claim still lacks.

The type is read from the content (payments.filetypes), never from the name; the file is kept
through the storage API under a name of our own, and served only by a view that asks who may
see it. Which kinds each phase needs is data (EvidenceRequirement, seeded from
fixtures/payments.json).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from doorstroom import roles
from payments.filetypes import FileTypeError, detect
from payments.models import (
    Claim,
    ClaimLine,
    DocumentKind,
    EvidenceDocument,
    EvidenceRequirement,
)
from payments.models.evidence import evidence_file_name
from payments.services.common import recorded, require
from payments.states import DECIDED, ClaimStatus, LineKind
from trajectories.models import PhaseRecord


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def evidence_check(*, data: bytes, max_bytes: int | None = None):
    """The detected type of a document, or a ValidationError on the file field saying why not."""
    limit = max_bytes or settings.EVIDENCE_MAX_BYTES
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s.") % {"limit": _megabytes(limit)}}
        )
    try:
        return detect(data)
    except FileTypeError as error:
        raise ValidationError({"file": str(error)}) from None


@transaction.atomic
def evidence_upload(
    *,
    user,
    phase: PhaseRecord,
    kind: DocumentKind,
    data: bytes,
    claim_line: ClaimLine | None = None,
) -> EvidenceDocument:
    """Keep a document for a phase of the user's scope; on a claim line, for its phase. The name
    it was uploaded with is not asked for: it is kept under a generated one."""
    require(roles.may_claim, user, _("Only the provider adds evidence to its phases and claims."))
    if not PhaseRecord.objects.visible_to(user).filter(pk=phase.pk).exists():
        raise PermissionDenied(_("This phase is not in your scope."))
    if claim_line is not None:
        if claim_line.phase_id != phase.pk:
            raise ValidationError({"claim_line": _("This line is about another phase.")})
        if claim_line.claim_status in (*DECIDED, ClaimStatus.REJECTED):
            raise ValidationError(
                _("The claim is decided: evidence is added to the phase, not to the claim.")
            )
    file_type = evidence_check(data=data)
    document = EvidenceDocument(
        phase=phase,
        claim_line=claim_line,
        kind=kind,
        original_name=evidence_file_name(
            kind=kind, phase=phase, claim_line=claim_line, extension=file_type.extension
        ),
        content_type=file_type.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    document.extension = file_type.extension
    document.file.save("document", ContentFile(data), save=False)
    stored = document.file.name
    # The file is written before the row: should the row not be saved, the file goes too.
    try:
        with recorded("evidence_upload", user), transaction.atomic():
            document.save()
    except Exception:
        document.file.storage.delete(stored)
        raise
    return document


def missing_evidence(*, claim: Claim) -> list[tuple[ClaimLine, list[DocumentKind]]]:
    """The fee lines whose phase lacks a required kind of document, with the kinds missing."""
    required: dict[int, list[DocumentKind]] = defaultdict(list)
    for requirement in EvidenceRequirement.objects.select_related("kind"):
        required[requirement.phase].append(requirement.kind)
    if not required:
        return []
    lines = (
        claim.lines.filter(kind=LineKind.FEE, phase_number__in=required)
        .select_related("trajectory__worker")
        .order_by("position")
    )
    present = set(
        EvidenceDocument.objects.filter(phase__claim_lines__claim=claim).values_list(
            "phase_id", "kind_id"
        )
    )
    missing = []
    for line in lines:
        kinds = [k for k in required[line.phase_number] if (line.phase_id, k.pk) not in present]
        if kinds:
            missing.append((line, kinds))
    return missing
