"""The seed data of the trajectories app: the health index and the fee schedules (answer 1c).
Loading adds only what is missing, so staff's changes are never overwritten."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from trajectories.models import FeeSchedule, FeeSchedulePhase, HealthIndexMonth

SOURCE_VERIFIED = "Statbel, bevestigd door twee bronnen"
SOURCE_SINGLE = "één secundaire bron, nog niet bevestigd"


@transaction.atomic
def health_index_seed_load(*, path: Path) -> Counter:
    """Load the monthly health index (CSV: month,value,verified); only missing months are added."""
    created: Counter = Counter()
    existing = set(HealthIndexMonth.objects.values_list("month", flat=True))
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            month = dt.date.fromisoformat(row["month"] + "-01")
            if month in existing:
                continue
            verified = row["verified"].strip() == "yes"
            HealthIndexMonth.objects.create(
                month=month,
                value=Decimal(row["value"]),
                verified=verified,
                source=SOURCE_VERIFIED if verified else SOURCE_SINGLE,
            )
            existing.add(month)
            created["health index months"] += 1
    return created


@transaction.atomic
def trajectories_seed_load(*, path: Path) -> Counter:
    """Load the fee schedules (answer 1c); a schedule whose name exists is left as staff keep it."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created: Counter = Counter()
    for row in data["fee_schedules"]:
        if FeeSchedule.objects.filter(name=row["name"]).exists():
            continue
        schedule = FeeSchedule.objects.create(
            name=row["name"],
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            valid_to=dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
            cap_amount=Decimal(row["cap_amount"]),
            index_base_month=dt.date.fromisoformat(row["index_base_month"]),
            index_kind=row["index_kind"],
            reference_month_rule=row["reference_month_rule"],
            rounding=row["rounding"],
            notes=row.get("notes", ""),
        )
        FeeSchedulePhase.objects.bulk_create(
            FeeSchedulePhase(
                schedule=schedule,
                phase=phase["phase"],
                base_amount=Decimal(phase["base_amount"]),
                max_months=phase["max_months"],
                norm_hours=phase["norm_hours"],
            )
            for phase in row["phases"]
        )
        created["fee schedules"] += 1
    return created
