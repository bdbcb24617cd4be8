"""The seed data of payments: document kinds, which of them each phase needs, and the reasons
for a deduction. Loading adds only what is missing, so staff's changes are never overwritten."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from payments.models import DeductionReason, DocumentKind, EvidenceRequirement


@transaction.atomic
def payments_seed_load(*, path: Path) -> Counter:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created: Counter = Counter()
    for row in data["document_kinds"]:
        _, new = DocumentKind.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
        created["document kinds"] += new
    for row in data["requirements"]:
        _, new = EvidenceRequirement.objects.get_or_create(
            phase=row["phase"], kind=DocumentKind.objects.get(code=row["kind"])
        )
        created["required documents"] += new
    for row in data["deduction_reasons"]:
        _, new = DeductionReason.objects.get_or_create(
            code=row["code"], defaults={"label": row["label"]}
        )
        created["deduction reasons"] += new
    return created
