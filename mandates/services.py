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


def organisation_get_or_create(
    *,
    name: str,
    kind: str,
    aliases: list[str],
    province: Province | None = None,
    municipality: str = "",
) -> tuple[Organisation, bool, int]:
    """The shared organisation record under this name or spelling, created when missing, and
    its other spellings added; returns it, whether it was created and how many spellings were.

    Going through `organisation_find` means a company named in two pilots, or already known
    from the mandates, is one record; staff can link a name to an existing organisation by
    adding it as another spelling, and the next seed load then reuses that organisation.
    """
    organisation = organisation_find(name=name)
    created = organisation is None
    if created:
        organisation = Organisation.objects.create(
            name=name, kind=kind, province=province, municipality=municipality
        )
    added = 0
    for alias in aliases:
        if organisation_find(name=alias) is None:
            OrganisationAlias.objects.create(organisation=organisation, name=alias)
            added += 1
    return organisation, created, added


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
        organisation, was_created, aliases = organisation_get_or_create(
            name=row["name"],
            kind=row["kind"],
            aliases=row.get("aliases", []),
            province=provinces.get(row.get("province")),
        )
        created["organisations"] += was_created
        created["aliases"] += aliases
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
