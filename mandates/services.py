"""Writes with rules for the mandates app."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower

from mandates.models import Call, Mandate, Organisation, OrganisationAlias, Province


def organisation_find(*, name: str) -> Organisation | None:
    """The organisation known under this name or one of its other spellings (any case)."""
    lowered = name.strip().lower()
    found = Organisation.objects.annotate(lname=Lower("name")).filter(lname=lowered).first()
    if found is None:
        alias = (
            OrganisationAlias.objects.select_related("organisation")
            .annotate(lname=Lower("name"))
            .filter(lname=lowered)
            .first()
        )
        found = alias.organisation if alias else None
    return found


@transaction.atomic
def mandates_seed_load(*, path: Path) -> Counter:
    """Load provinces, calls, organisations and mandates from the seed file.

    Only what is missing is created (matched on NIS code, call number, organisation name and
    project number): loading twice changes nothing, and what staff have since filled in or
    corrected (a province, a date) is never overwritten by the seed.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created: Counter = Counter()

    provinces = {}
    for row in data["provinces"]:
        province, was_created = Province.objects.get_or_create(
            nis_code=row["nis_code"], defaults={"name": row["name"], "iso_code": row["iso_code"]}
        )
        provinces[row["name"]] = province
        created["provinces"] += was_created

    calls = {}
    for row in data["calls"]:
        call, was_created = Call.objects.get_or_create(
            number=row["number"],
            defaults={
                "title": row["title"],
                "target": row["target"],
                "display_order": row["display_order"],
            },
        )
        calls[row["number"]] = call
        created["calls"] += was_created

    organisations = {}
    for row in data["organisations"]:
        organisation = organisation_find(name=row["name"])
        if organisation is None:
            organisation = Organisation.objects.create(
                name=row["name"],
                kind=row["kind"],
                province=provinces.get(row.get("province")),
            )
            created["organisations"] += 1
        for alias in row.get("aliases", []):
            if organisation_find(name=alias) is None:
                OrganisationAlias.objects.create(organisation=organisation, name=alias)
                created["aliases"] += 1
        organisations[row["name"]] = organisation

    existing = set(Mandate.objects.values_list("project_number", flat=True))
    for row in data["mandates"]:
        if row["project_number"] in existing:
            continue
        mandate = Mandate.objects.create(
            project_number=row["project_number"],
            name=row["name"],
            call=calls[row["call"]],
            promoter=organisations[row["organisation"]],
            promoter_as_written=row["promoter_as_written"],
            province_basis=row.get("province_basis", ""),
        )
        mandate.provinces.set([provinces[name] for name in row["provinces"]])
        created["mandates"] += 1
    return created
