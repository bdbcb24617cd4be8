"""The trajectory rules, in the services and in the database (also through bulk_create/update)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories.mandates import MandateFactory, OrganisationFactory
from tests.factories.trajectories import PhaseRecordFactory, TrajectoryFactory, WorkerFactory
from trajectories.models import (
    FeeSchedule,
    FeeSchedulePhase,
    HealthIndexMonth,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
    Worker,
    validate_insz,
)
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_start,
    trajectory_stop,
    worker_create,
)

# 85073003328: born 30 July 1985; 00010100105: born 1 January 2000 (check digits over 2000...).
VALID_INSZ = ["85073003328", "00010100105"]
START = dt.date(2019, 3, 4)


def refused_by_database():
    return pytest.raises(IntegrityError)


def started(worker=None, start=START) -> Trajectory:
    return trajectory_start(
        worker=worker or worker_create(first_name="Els", last_name="Wouters"),
        mandate=MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=start,
    )


# --- workers ------------------------------------------------------------------------------------


def test_insz_validator_checks_the_digits_of_both_centuries():
    for valid in VALID_INSZ:
        validate_insz(valid)
    for wrong in ("85073003329", "8507300332", "abcdefghijk", "00010100106"):
        with pytest.raises(ValidationError):
            validate_insz(wrong)


@pytest.mark.django_db
def test_insz_is_stored_compact_and_unique():
    worker = worker_create(first_name="Jan", last_name="Janssens", insz="85.07.30-033.28")
    assert Worker.objects.get(pk=worker.pk).insz == "85073003328"
    with pytest.raises(ValidationError):
        worker_create(first_name="Jan", last_name="Anders", insz="85073003328")
    with pytest.raises(ValidationError):
        worker_create(first_name="Piet", last_name="Fout", insz="85073003329")


@pytest.mark.django_db
def test_database_refuses_a_wrong_insz_even_in_bulk():
    Worker.objects.bulk_create([Worker(first_name="A", last_name="B", insz=VALID_INSZ[1])])
    for wrong in ("85073003329", "8507300332", "85.07.30-03"):
        with refused_by_database(), transaction.atomic():
            Worker.objects.bulk_create([Worker(first_name="A", last_name="C", insz=wrong)])
    with refused_by_database(), transaction.atomic():
        Worker.objects.bulk_create([Worker(first_name="A", last_name="D", insz=VALID_INSZ[1])])


@pytest.mark.django_db
def test_workers_get_a_generated_pseudonymous_reference():
    first = worker_create(first_name="A", last_name="B")
    second = worker_create(first_name="C", last_name="D")
    bulk = Worker.objects.bulk_create([Worker(first_name="E", last_name="F")])
    assert first.reference.startswith("DW-") and len(first.reference) == 9
    number = int(first.reference[3:])
    assert second.reference == f"DW-{number + 1:06d}"
    assert Worker.objects.get(pk=bulk[0].pk).reference == f"DW-{number + 2:06d}"
    with refused_by_database(), transaction.atomic():
        Worker.objects.filter(pk=second.pk).update(reference=first.reference)
    with refused_by_database(), transaction.atomic():
        Worker.objects.filter(pk=second.pk).update(reference="Jan Janssens")


@pytest.mark.django_db
def test_references_keep_every_digit_past_a_million():
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM trajectories_worker_reference_seq")
        (last,) = cursor.fetchone()
        cursor.execute("SELECT setval('trajectories_worker_reference_seq', 999998)")
        try:
            workers = Worker.objects.bulk_create(
                [Worker(first_name="A", last_name=str(n)) for n in range(3)]
            )
            references = Worker.objects.filter(pk__in=[w.pk for w in workers]).values_list(
                "reference", flat=True
            )
            assert sorted(references) == ["DW-1000000", "DW-1000001", "DW-999999"]
        finally:
            # Sequences ignore the test's rollback; later tests expect six-digit references.
            cursor.execute("SELECT setval('trajectories_worker_reference_seq', %s)", [last])


# --- trajectories -------------------------------------------------------------------------------


def test_at_most_one_running_trajectory_per_worker(seed):
    trajectory = started()
    with pytest.raises(ValidationError, match="heeft al een lopend traject"):
        started(worker=trajectory.worker)
    with refused_by_database(), transaction.atomic():
        Trajectory.objects.bulk_create(
            [
                TrajectoryFactory.build(
                    worker=trajectory.worker,
                    mandate=trajectory.mandate,
                    origin_employer=trajectory.origin_employer,
                )
            ]
        )
    # Once stopped, a new one may start.
    trajectory_stop(trajectory=trajectory, end_date=dt.date(2019, 3, 20), reason="verhuisd")
    assert started(worker=trajectory.worker, start=dt.date(2019, 4, 1)).status == "lopend"


@pytest.mark.django_db
def test_database_refuses_an_ended_trajectory_without_end_date():
    trajectory = TrajectoryFactory()
    with refused_by_database(), transaction.atomic():
        Trajectory.objects.filter(pk=trajectory.pk).update(status=TrajectoryStatus.COMPLETED)
    with refused_by_database(), transaction.atomic():
        Trajectory.objects.filter(pk=trajectory.pk).update(status="half")


def test_stopping_ends_the_running_phase_without_a_fee(seed):
    trajectory = started()
    phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 29), hours=Decimal("12.5"))
    phase_start(trajectory=trajectory, start_date=dt.date(2019, 4, 1))
    trajectory_stop(trajectory=trajectory, end_date=dt.date(2019, 5, 15), reason="ziekte")
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.STOPPED
    assert trajectory.end_date == dt.date(2019, 5, 15)
    job_matching = trajectory.phases.get(phase=Phase.JOB_MATCHING)
    assert job_matching.end_date == dt.date(2019, 5, 15)
    assert job_matching.fee_amount is None
    with pytest.raises(ValidationError, match="alleen een lopend traject"):
        phase_start(trajectory=trajectory, start_date=dt.date(2019, 6, 1))


# --- phase order --------------------------------------------------------------------------------


def test_phases_follow_their_order_in_the_services(seed):
    trajectory = started()
    with pytest.raises(ValidationError, match="Voortraject loopt nog"):
        phase_start(trajectory=trajectory, start_date=dt.date(2019, 4, 1))
    phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 29), hours=14)
    with pytest.raises(ValidationError, match="op of na de dag waarop de vorige eindigde"):
        phase_start(trajectory=trajectory, start_date=dt.date(2019, 3, 28))
    record = phase_start(trajectory=trajectory, start_date=dt.date(2019, 3, 29))
    assert record.phase == Phase.JOB_MATCHING
    assert record.deadline == dt.date(2019, 6, 29)


@pytest.mark.django_db
def test_database_refuses_a_phase_without_its_predecessor_even_in_bulk():
    trajectory = TrajectoryFactory()
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.bulk_create(
            [PhaseRecord(trajectory=trajectory, phase=2, start_date=START, max_months=3)]
        )
    # All four in one statement, in order, are accepted.
    PhaseRecord.objects.bulk_create(
        [
            PhaseRecord(
                trajectory=trajectory,
                phase=phase,
                start_date=START + dt.timedelta(days=10 * phase),
                end_date=START + dt.timedelta(days=10 * phase + 10) if phase < 4 else None,
                max_months=3,
            )
            for phase in (1, 2, 3, 4)
        ]
    )
    assert trajectory.phases.count() == 4


@pytest.mark.django_db
def test_database_refuses_a_phase_starting_before_the_previous_ended():
    first = PhaseRecordFactory(end_date=START + dt.timedelta(days=20))
    trajectory = first.trajectory
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.bulk_create(
            [
                PhaseRecord(
                    trajectory=trajectory,
                    phase=2,
                    start_date=START + dt.timedelta(days=19),
                    max_months=3,
                )
            ]
        )
    second = PhaseRecord.objects.create(
        trajectory=trajectory, phase=2, start_date=START + dt.timedelta(days=20), max_months=3
    )
    # Moving either side through update() cannot break the order afterwards.
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=second.pk).update(start_date=START + dt.timedelta(days=5))
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=first.pk).update(end_date=None)
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=first.pk).delete()
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=first.pk).update(start_date=START - dt.timedelta(days=1))


@pytest.mark.django_db
def test_database_refuses_a_phase_while_the_previous_runs():
    first = PhaseRecordFactory()
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.create(
            trajectory=first.trajectory, phase=2, start_date=START, max_months=3
        )


@pytest.mark.django_db
def test_one_record_per_phase_per_trajectory():
    first = PhaseRecordFactory(end_date=START)
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.bulk_create(
            [PhaseRecord(trajectory=first.trajectory, phase=1, start_date=START, max_months=1)]
        )
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.bulk_create(
            [PhaseRecord(trajectory=first.trajectory, phase=5, start_date=START, max_months=1)]
        )


# --- durations, hours, fees ---------------------------------------------------------------------


def test_a_phase_longer_than_its_maximum_is_refused_or_an_audited_exception(seed, staff_user):
    trajectory = started()
    # Voortraject: at most one month, so until 4 April 2019.
    with pytest.raises(ValidationError, match=r"maximaal 1 maand.*tot 04/04/2019"):
        phase_complete(trajectory=trajectory, end_date=dt.date(2019, 4, 5), hours=14)
    with pytest.raises(ValidationError):
        phase_complete(
            trajectory=trajectory, end_date=dt.date(2019, 4, 5), hours=14, exception_reason="x"
        )
    record = phase_complete(
        trajectory=trajectory,
        end_date=dt.date(2019, 4, 5),
        hours=14,
        exception_reason="Ziekenhuisopname van de werknemer",
        approved_by=staff_user,
    )
    record.refresh_from_db()
    assert record.over_maximum is True
    assert record.over_maximum_approved_by == staff_user
    assert record.over_maximum_approved_at is not None
    # Completed in 2019: smoothed index of January 2019 = (108.26 + 108.48 + 108.45 + 108.50)
    # / 4 = 108.4225 -> 108.42; 420 x 108.42 / 106.05 = 429.3861 -> 429.39.
    assert record.index_value == Decimal("108.42")
    assert record.fee_amount == Decimal("429.39")


@pytest.mark.django_db
def test_database_refuses_an_overlong_phase_without_an_audited_exception(staff_user):
    record = PhaseRecordFactory()  # one month from 4 March 2019: until 4 April
    PhaseRecord.objects.filter(pk=record.pk).update(end_date=dt.date(2019, 4, 4))
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=record.pk).update(end_date=dt.date(2019, 4, 5))
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=record.pk).update(
            end_date=dt.date(2019, 4, 5), over_maximum=True
        )
    PhaseRecord.objects.filter(pk=record.pk).update(
        end_date=dt.date(2019, 4, 5),
        over_maximum=True,
        over_maximum_reason="ziekte",
        over_maximum_approved_by=staff_user,
        over_maximum_approved_at=timezone.now(),
    )


@pytest.mark.django_db
def test_hours_are_never_negative():
    record = PhaseRecordFactory()
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=record.pk).update(hours=Decimal("-1"))


def test_service_refuses_negative_hours(seed):
    trajectory = started()
    with pytest.raises(ValidationError):
        phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 20), hours=Decimal("-2"))


@pytest.mark.django_db
def test_database_refuses_a_fee_on_a_running_phase_or_without_its_index():
    record = PhaseRecordFactory()
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=record.pk).update(fee_amount=Decimal("420.00"))
    with refused_by_database(), transaction.atomic():
        PhaseRecord.objects.filter(pk=record.pk).update(
            end_date=START, fee_amount=Decimal("420.00")
        )


# --- fee schedules ------------------------------------------------------------------------------


def test_fee_schedules_cannot_overlap(seed):
    existing = FeeSchedule.objects.get()  # from 2017, open-ended

    def schedule(name, start, end):
        return FeeSchedule(
            name=name,
            valid_from=start,
            valid_to=end,
            cap_amount=Decimal("4200"),
            index_base_month=dt.date(2018, 1, 1),
        )

    with refused_by_database(), transaction.atomic():
        FeeSchedule.objects.bulk_create([schedule("later", dt.date(2027, 1, 1), None)])
    FeeSchedule.objects.filter(pk=existing.pk).update(valid_to=dt.date(2026, 12, 31))
    FeeSchedule.objects.bulk_create([schedule("2027", dt.date(2027, 1, 1), None)])
    with refused_by_database(), transaction.atomic():
        FeeSchedule.objects.filter(pk=existing.pk).update(valid_to=dt.date(2027, 1, 1))
    with refused_by_database(), transaction.atomic():
        FeeSchedule.objects.bulk_create(
            [schedule("fout", dt.date(2030, 1, 1), dt.date(2029, 1, 1))]
        )


def test_fee_schedule_phase_rules(seed):
    schedule = FeeSchedule.objects.get()
    with refused_by_database(), transaction.atomic():
        FeeSchedulePhase.objects.bulk_create(
            [
                FeeSchedulePhase(
                    schedule=schedule, phase=1, base_amount=1, max_months=1, norm_hours=1
                )
            ]
        )
    with refused_by_database(), transaction.atomic():
        FeeSchedulePhase.objects.filter(schedule=schedule, phase=1).update(max_months=0)
    with refused_by_database(), transaction.atomic():
        FeeSchedule.objects.update(index_base_month=dt.date(2018, 1, 15))


@pytest.mark.django_db
def test_factories_build_valid_data():
    assert WorkerFactory().reference.startswith("DW-")


def test_stopping_past_the_maximum_needs_the_same_audited_exception(seed, staff_user):
    trajectory = started()  # Voortraject until 4 April 2019 at most
    with pytest.raises(ValidationError, match="maximaal 1 maand"):
        trajectory_stop(trajectory=trajectory, end_date=dt.date(2019, 5, 1), reason="ziekte")
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.RUNNING
    trajectory_stop(
        trajectory=trajectory,
        end_date=dt.date(2019, 5, 1),
        reason="ziekte",
        exception_reason="lange ziekte gemeld",
        approved_by=staff_user,
    )
    record = trajectory.phases.get()
    assert (record.end_date, record.over_maximum, record.fee_amount) == (
        dt.date(2019, 5, 1),
        True,
        None,
    )


def test_the_internship_records_its_host_employer(seed):
    trajectory = started()
    phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 29), hours=14)
    phase_start(trajectory=trajectory, start_date=dt.date(2019, 4, 1))
    phase_complete(trajectory=trajectory, end_date=dt.date(2019, 6, 28), hours=42)
    host = OrganisationFactory(name="Zeeman (stagebedrijf in de test)")
    phase_start(trajectory=trajectory, start_date=dt.date(2019, 7, 1), host_employer=host)
    trajectory.refresh_from_db()
    assert trajectory.host_employer == host
    assert trajectory.phases.get(phase=Phase.STAGE).max_months == 3


@pytest.mark.django_db
def test_a_trajectory_cannot_start_after_its_first_phase():
    record = PhaseRecordFactory()
    with refused_by_database(), transaction.atomic():
        Trajectory.objects.filter(pk=record.trajectory_id).update(start_date=dt.date(2019, 3, 5))
    Trajectory.objects.filter(pk=record.trajectory_id).update(start_date=dt.date(2019, 3, 1))


@pytest.mark.django_db
def test_health_index_months_are_first_days_with_a_positive_value():
    HealthIndexMonth.objects.bulk_create(
        [HealthIndexMonth(month=dt.date(2030, 1, 1), value=Decimal("150.00"))]
    )
    with refused_by_database(), transaction.atomic():
        HealthIndexMonth.objects.bulk_create(
            [HealthIndexMonth(month=dt.date(2030, 2, 15), value=Decimal("150.00"))]
        )
    with refused_by_database(), transaction.atomic():
        HealthIndexMonth.objects.filter(month=dt.date(2030, 1, 1)).update(value=0)
    with refused_by_database(), transaction.atomic():
        HealthIndexMonth.objects.bulk_create(
            [HealthIndexMonth(month=dt.date(2030, 1, 1), value=Decimal("151.00"))]
        )
