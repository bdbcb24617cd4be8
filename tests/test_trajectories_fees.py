"""The health index seed, indexation on hand-computed examples, and fees fixed at completion."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from doorstroom.seeds import FIXTURES_DIR
from tests.factories.mandates import MandateFactory, OrganisationFactory
from trajectories.dates import add_months
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    FeeSchedule,
    HealthIndexMonth,
    IndexKind,
    Phase,
    ReferenceMonthRule,
    TrajectoryStatus,
)
from trajectories.schedules import FeeSchedules
from trajectories.seeding import health_index_seed_load, trajectories_seed_load
from trajectories.services import (
    fee_indexed,
    phase_complete,
    phase_start,
    trajectory_start,
    worker_create,
)

JAN_2018 = dt.date(2018, 1, 1)
JAN_2024 = dt.date(2024, 1, 1)


def test_seed_loads_the_index_with_its_verified_mark_once_and_keeps_staff_edits(seed):
    assert HealthIndexMonth.objects.count() == 114
    assert HealthIndexMonth.objects.filter(verified=True).count() == 84
    assert HealthIndexMonth.objects.get(month=dt.date(2023, 12, 1)).verified is True
    assert HealthIndexMonth.objects.get(month=dt.date(2024, 1, 1)).verified is False
    assert HealthIndexMonth.objects.get(month=dt.date(2017, 1, 1)).value == Decimal("104.65")

    HealthIndexMonth.objects.filter(month=JAN_2024).update(value=Decimal("130.20"), verified=True)
    FeeSchedule.objects.update(notes="aangepast door medewerker")
    again = health_index_seed_load(path=FIXTURES_DIR / "gezondheidsindex.csv")
    again += trajectories_seed_load(path=FIXTURES_DIR / "trajectories.json")
    assert sum(again.values()) == 0
    assert HealthIndexMonth.objects.get(month=JAN_2024).value == Decimal("130.20")
    assert FeeSchedule.objects.get().notes == "aangepast door medewerker"


def test_seeded_fee_schedule_is_answer_1c(seed):
    schedule = FeeSchedules.load().in_force(dt.date(2018, 11, 9))
    assert schedule.cap_amount == Decimal("4200.00")
    rows = [(p.phase, p.base_amount, p.max_months, p.norm_hours) for p in schedule.phases.all()]
    assert rows == [
        (1, Decimal("420.00"), 1, 14),
        (2, Decimal("1260.00"), 3, 42),
        (3, Decimal("1260.00"), 3, 42),
        (4, Decimal("1260.00"), 3, 42),
    ]
    assert sum(p.norm_hours for p in schedule.phases.all()) == 140


def test_smoothed_index_is_the_mean_of_four_months_on_real_values(seed):
    index = HealthIndex.load()
    # (105.84 + 105.85 + 106.15 + 106.37) / 4 = 106.0525
    assert index.smoothed(JAN_2018) == Decimal("106.05")
    # (128.30 + 128.55 + 129.53 + 130.19) / 4 = 129.1425
    assert index.smoothed(JAN_2024) == Decimal("129.14")
    assert index.plain(dt.date(2024, 1, 17)) == Decimal("130.19")


def test_fee_is_indexed_from_the_base_month_and_rounded_to_the_cent(seed):
    schedule = FeeSchedules.load().in_force(dt.date(2024, 6, 1))
    stage = fee_indexed(schedule=schedule, phase=Phase.STAGE, on=dt.date(2024, 6, 1))
    # 1260 x 129.14 / 106.05 = 1534.3366...
    assert stage.amount == Decimal("1534.34")
    assert stage.reference_month == JAN_2024
    assert (stage.index_value, stage.base_index_value) == (Decimal("129.14"), Decimal("106.05"))
    voortraject = fee_indexed(schedule=schedule, phase=Phase.VOORTRAJECT, on=dt.date(2024, 6, 1))
    # 420 x 129.14 / 106.05 = 511.4455...
    assert voortraject.amount == Decimal("511.45")
    # In the base year the amounts are those of the source.
    in_2018 = fee_indexed(schedule=schedule, phase=Phase.STAGE, on=dt.date(2018, 11, 9))
    assert in_2018.amount == Decimal("1260.00")


def test_plain_index_of_the_completion_month(seed):
    schedule = FeeSchedule.objects.get()
    schedule.index_kind = IndexKind.PLAIN
    schedule.index_base_month = dt.date(2017, 1, 1)
    schedule.reference_month_rule = ReferenceMonthRule.COMPLETION_MONTH
    # 1260 x 127.92 (October 2022) / 104.65 (January 2017) = 1540.1739...
    fee = fee_indexed(schedule=schedule, phase=Phase.NAZORG, on=dt.date(2022, 10, 31))
    assert fee.amount == Decimal("1540.17")
    assert fee.reference_month == dt.date(2022, 10, 1)


def test_a_missing_index_month_is_named_never_guessed(seed):
    index = HealthIndex.load()
    with pytest.raises(MissingIndexError, match="01/2027"):
        index.plain(dt.date(2027, 1, 1))
    # The smoothed index of February 2017 needs November 2016, before the series starts.
    with pytest.raises(MissingIndexError, match="11/2016, 12/2016 ontbreekt"):
        index.smoothed(dt.date(2017, 2, 1))
    HealthIndexMonth.objects.filter(month=dt.date(2023, 11, 1)).delete()
    with pytest.raises(MissingIndexError, match="11/2023"):
        HealthIndex.load().smoothed(JAN_2024)


def test_add_months_counts_like_postgresql():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 5, 2), 3) == dt.date(2024, 8, 2)


def run_through_2024(**complete_kwargs):
    """Four phases, all completed in 2024 within their maximum duration."""
    worker = worker_create(first_name="An", last_name="Peeters")
    trajectory = trajectory_start(
        worker=worker,
        mandate=MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 1, 8),
    )
    records = [phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=14)]
    for start, end in [
        (dt.date(2024, 2, 5), dt.date(2024, 5, 1)),
        (dt.date(2024, 5, 2), dt.date(2024, 8, 1)),
        (dt.date(2024, 8, 1), dt.date(2024, 10, 31)),
    ]:
        phase_start(trajectory=trajectory, start_date=start)
        records.append(
            phase_complete(trajectory=trajectory, end_date=end, hours=40, **complete_kwargs)
        )
    trajectory.refresh_from_db()
    return trajectory, records


def test_fees_are_fixed_at_completion_and_never_exceed_the_indexed_cap(seed):
    trajectory, records = run_through_2024(outcome="ja")
    fees = [r.fee_amount for r in records]
    # Cap: 4200 x 129.14 / 106.05 = 5114.4554 -> 5114.46, while 511.45 + 3 x 1534.34 = 5114.47:
    # the rounding would pass the cap by a cent, so the Nazorg is reduced to what remains.
    assert fees == [Decimal("511.45"), Decimal("1534.34"), Decimal("1534.34"), Decimal("1534.33")]
    assert sum(fees) == Decimal("5114.46")
    assert "5.114,46" in records[-1].fee_note
    assert records[0].fee_note == ""
    assert all(r.index_reference_month == JAN_2024 for r in records)
    assert all(r.index_value == Decimal("129.14") for r in records)
    assert trajectory.status == TrajectoryStatus.COMPLETED
    assert trajectory.end_date == dt.date(2024, 10, 31)
    assert trajectory.outcome == "ja"

    # A later change of the index does not touch fees already fixed.
    HealthIndexMonth.objects.filter(month=JAN_2024).update(value=Decimal("150.00"))
    records[1].refresh_from_db()
    assert records[1].fee_amount == Decimal("1534.34")


def test_a_lower_cap_reduces_the_last_phase_with_the_reason(seed):
    FeeSchedule.objects.update(cap_amount=Decimal("4000.00"))
    worker = worker_create(first_name="Bart", last_name="Claes")
    trajectory = trajectory_start(
        worker=worker,
        mandate=MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2018, 2, 1),
    )
    fees = [phase_complete(trajectory=trajectory, end_date=dt.date(2018, 3, 1), hours=10)]
    for start, end in [
        (dt.date(2018, 3, 1), dt.date(2018, 5, 1)),
        (dt.date(2018, 5, 1), dt.date(2018, 8, 1)),
        (dt.date(2018, 8, 1), dt.date(2018, 11, 1)),
    ]:
        phase_start(trajectory=trajectory, start_date=start)
        fees.append(phase_complete(trajectory=trajectory, end_date=end, hours=40))
    assert [f.fee_amount for f in fees] == [
        Decimal("420.00"),
        Decimal("1260.00"),
        Decimal("1260.00"),
        Decimal("1060.00"),
    ]
    assert "4.000,00" in fees[-1].fee_note


def test_completion_without_a_schedule_in_force_is_refused(seed):
    FeeSchedule.objects.update(valid_to=dt.date(2019, 12, 31))
    worker = worker_create(first_name="Cas", last_name="Maes")
    trajectory = trajectory_start(
        worker=worker,
        mandate=MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2019, 12, 15),
    )
    with pytest.raises(ValidationError, match="2020"):
        phase_complete(trajectory=trajectory, end_date=dt.date(2020, 1, 10), hours=14)
    assert trajectory.phases.get().end_date is None


def test_completion_without_the_index_of_its_month_is_refused_naming_the_month(seed):
    # Index months not recorded (a completion in the future, where they are missing by nature,
    # is refused before: trajectories.dates).
    HealthIndexMonth.objects.filter(
        month__gte=dt.date(2024, 10, 1), month__lte=dt.date(2025, 1, 1)
    ).delete()
    worker = worker_create(first_name="Dana", last_name="Smets")
    trajectory = trajectory_start(
        worker=worker,
        mandate=MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 12, 20),
    )
    # January 2025 needs the smoothed index of 10/2024 to 01/2025.
    with pytest.raises(ValidationError, match="10/2024, 11/2024, 12/2024, 01/2025 ontbreekt"):
        phase_complete(trajectory=trajectory, end_date=dt.date(2025, 1, 15), hours=14)
    assert trajectory.phases.get().end_date is None


def test_a_schedule_in_memory_is_in_force_exactly_when_the_query_says_so(seed):
    schedule = FeeSchedule.objects.get()
    schedule.valid_to = schedule.valid_from + dt.timedelta(days=400)
    schedule.save()
    start, end = schedule.valid_from, schedule.valid_to
    for day in (start - dt.timedelta(days=1), start, end, end + dt.timedelta(days=1)):
        in_force = FeeSchedule.objects.in_force(day).filter(pk=schedule.pk).exists()
        assert schedule.is_in_force(day) == in_force
    assert schedule.is_in_force(start) and not schedule.is_in_force(end + dt.timedelta(days=1))
