"""Writes with rules for the pilots app."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from mandates.services import organisation_get_or_create
from pilots.models import (
    Assignment,
    CareEngagement,
    Pilot,
    PilotParticipant,
    ReportedResult,
    Sector,
)


class SeedError(ValueError):
    """The seed file refers to something it does not define; the message is for staff."""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _lookup(table: dict, key: str | None, what: str):
    if key is None:
        return None
    try:
        return table[key]
    except KeyError:
        raise SeedError(f"Het seedbestand verwijst naar een onbekende {what}: '{key}'.") from None


@transaction.atomic
def pilots_seed_load(*, path: Path) -> Counter:
    """Load sectors, assignments, pilots, reported results and care engagements.

    Only what is missing is created (sectors by name, assignments by title, pilots by their
    row in the source table, results by position, engagements by assignment and name), so
    loading twice changes nothing and staff edits are never overwritten. All or nothing.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created: Counter = Counter()

    sectors = {}
    for row in data["sectors"]:
        sector, was_created = Sector.objects.get_or_create(
            name=row["name"], defaults={"position": row["position"]}
        )
        sectors[row["name"]] = sector
        created["sectors"] += was_created

    organisations = {}
    for row in data["organisations"]:
        organisation, was_created, _ = organisation_get_or_create(
            name=row["name"],
            kind=row["kind"],
            aliases=row.get("aliases", []),
            municipality=row.get("municipality", ""),
        )
        organisations[row["name"]] = organisation
        created["organisations"] += was_created

    assignments = {}
    for row in data["assignments"]:
        assignment, was_created = Assignment.objects.get_or_create(
            title=row["title"],
            defaults={
                "provider": _lookup(organisations, row["provider"], "dienstverlener"),
                "start_date": _date(row["start_date"]),
                "end_date": _date(row["end_date"]),
                "period_as_written": row["period_as_written"],
                "purpose": row["purpose"],
                "is_care_follow_up": row["is_care_follow_up"],
                "position": row["position"],
            },
        )
        assignments[row["title"]] = assignment
        created["assignments"] += was_created

    existing = set(Pilot.objects.values_list("source_order", flat=True))
    for row in data["pilots"]:
        if row["source_order"] in existing:
            continue
        pilot = Pilot.objects.create(
            source_order=row["source_order"],
            sector=_lookup(sectors, row["sector"], "sector"),
            assignment=_lookup(assignments, row["assignment"], "opdracht"),
            participation=row["participation"],
            outcome=row["outcome"],
            outcome_notes=row["outcome_notes"],
            workers_involved=row["workers_involved"],
        )
        PilotParticipant.objects.bulk_create(
            PilotParticipant(
                pilot=pilot,
                organisation=_lookup(organisations, part["organisation"], "organisatie"),
                name_as_written=part["name_as_written"],
                side=part["side"],
                position=position,
            )
            for position, part in enumerate(row["participants"], start=1)
        )
        created["pilots"] += 1
        created["participants"] += len(row["participants"])

    existing = set(ReportedResult.objects.values_list("position", flat=True))
    for row in data["reported_results"]:
        if row["position"] in existing:
            continue
        ReportedResult.objects.create(
            position=row["position"],
            assignment=_lookup(assignments, row["assignment"], "opdracht"),
            sector=_lookup(sectors, row["sector"], "sector"),
            outcome=row["outcome"],
            host_organisation=_lookup(organisations, row["host"], "organisatie"),
            job=row["job"],
            workers=row["workers"],
            description=row["description"],
        )
        created["reported_results"] += 1

    for row in data["care_engagements"]:
        _, was_created = CareEngagement.objects.get_or_create(
            assignment=_lookup(assignments, row["assignment"], "opdracht"),
            name_as_written=row["name_as_written"],
            defaults={
                "organisation": _lookup(organisations, row["organisation"], "organisatie"),
                "role": row["role"],
                "phase": row["phase"],
                "care_homes": row["care_homes"],
                "care_homes_qualifier": row["care_homes_qualifier"],
                "notes": row["notes"],
                "position": row["position"],
            },
        )
        created["care_engagements"] += was_created
    return created
