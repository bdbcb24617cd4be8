"""The trajectory's rules held by the database itself (migration 0007).

Every attack is plain SQL, as a psql session or a script would send it, bypassing Django; the
refusal names the rule (the error's constraint name) and says why. The admin, which lets staff
edit dates and statuses, shows the same refusal on its form.
"""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from mandates.models import Mandate
from tests.admin_forms import change_form_data
from tests.factories.mandates import OrganisationFactory
from trajectories.demo import demo_generate
from trajectories.models import PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_start,
    trajectory_stop,
    worker_create,
)

START = dt.date(2019, 3, 4)
INDEXED_MAXIMUM = "phase_record_fee_within_indexed_maximum"


@contextlib.contextmanager
def refused(rule: str, message: str):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    diag = caught.value.__cause__.diag
    assert diag.constraint_name == rule
    assert message in diag.message_primary


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def check_deferred_now() -> None:
    """Run the checks deferred to commit now (a test's transaction is never committed)."""
    sql("SET CONSTRAINTS ALL IMMEDIATE")


def started() -> Trajectory:
    return trajectory_start(
        worker=worker_create(first_name="Els", last_name="Wouters"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=START,
    )


def completed() -> Trajectory:
    """All four phases in 2019: each fee indexed on the smoothed index of January 2019."""
    trajectory = started()
    for begin, end in [
        (None, dt.date(2019, 3, 29)),
        (dt.date(2019, 4, 1), dt.date(2019, 6, 28)),
        (dt.date(2019, 7, 1), dt.date(2019, 9, 27)),
        (dt.date(2019, 10, 1), dt.date(2019, 12, 20)),
    ]:
        if begin:
            phase_start(trajectory=trajectory, start_date=begin)
        phase_complete(trajectory=trajectory, end_date=end, hours=Decimal(40), outcome="ja")
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.COMPLETED
    return trajectory


def stopped() -> Trajectory:
    trajectory = started()
    trajectory_stop(trajectory=trajectory, end_date=dt.date(2019, 3, 20), reason="verhuisd")
    return trajectory


def insert_phase(trajectory: Trajectory, phase: int, start: dt.date, end=None, **fee) -> None:
    columns = {
        "trajectory_id": trajectory.pk,
        "phase": phase,
        "start_date": start,
        "end_date": end,
        "max_months": 3,
        "hours": 0,
        "fee_note": "",
        "over_maximum": False,
        "over_maximum_reason": "",
        **fee,
    }
    sql(
        f"INSERT INTO trajectories_phaserecord ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        list(columns.values()),
    )


# --- no phase outside its trajectory's dates ----------------------------------------------------


def test_database_refuses_a_phase_starting_after_its_trajectory_stopped(seed):
    trajectory = stopped()  # on 20 March 2019, Voortraject ended that day
    with refused("phase_within_trajectory_dates", "begint (2019-04-01) nadat het traject eindigde"):
        insert_phase(trajectory, 2, dt.date(2019, 4, 1), dt.date(2019, 4, 15))
    with refused("phase_within_trajectory_dates", "nadat het traject eindigde (2019-03-20)"):
        sql(
            "UPDATE trajectories_phaserecord SET start_date = '2019-03-21', end_date = "
            "'2019-03-22' WHERE trajectory_id = %s",
            [trajectory.pk],
        )
    assert trajectory.phases.get().start_date == START


def test_database_refuses_a_phase_ending_after_its_trajectory_ended(seed):
    trajectory = stopped()
    with refused("phase_within_trajectory_dates", "eindigt (2019-03-25) niet op of voor het einde"):
        sql(
            "UPDATE trajectories_phaserecord SET end_date = '2019-03-25' WHERE trajectory_id = %s",
            [trajectory.pk],
        )
    # Nor may it be running again in a trajectory that ended.
    with refused("phase_within_trajectory_dates", "eindigt (nog niet)"):
        sql(
            "UPDATE trajectories_phaserecord SET end_date = NULL WHERE trajectory_id = %s",
            [trajectory.pk],
        )
    # Within the trajectory's dates is accepted.
    sql(
        "UPDATE trajectories_phaserecord SET end_date = '2019-03-19' WHERE trajectory_id = %s",
        [trajectory.pk],
    )


def test_database_refuses_a_trajectory_ending_before_its_phases(seed):
    trajectory = stopped()
    with refused("phase_within_trajectory_dates", "kan niet eindigen (2019-03-19) voor fase 1"):
        sql(
            "UPDATE trajectories_trajectory SET end_date = '2019-03-19' WHERE id = %s",
            [trajectory.pk],
        )
    running = started()  # its Voortraject still runs
    with refused("phase_within_trajectory_dates", "voor fase 1 geëindigd is (loopt nog)"):
        sql(
            "UPDATE trajectories_trajectory SET status = 'stopgezet', end_date = '2019-03-30', "
            "stop_reason = 'x' WHERE id = %s",
            [running.pk],
        )
    assert Trajectory.objects.get(pk=running.pk).status == TrajectoryStatus.RUNNING


# --- a completed trajectory has a completed Nazorg ---------------------------------------------


def test_database_refuses_a_completed_trajectory_without_a_completed_nazorg(seed):
    trajectory = stopped()
    with refused("trajectory_completed_with_nazorg", "heeft een afgeronde nazorg"):
        sql(
            "UPDATE trajectories_trajectory SET status = 'afgerond' WHERE id = %s",
            [trajectory.pk],
        )
    done = completed()
    with refused("trajectory_completed_with_nazorg", "heeft een afgeronde nazorg"):
        sql(
            "UPDATE trajectories_phaserecord SET fee_amount = NULL, fee_schedule_id = NULL, "
            "index_reference_month = NULL, index_value = NULL, index_base_value = NULL "
            "WHERE trajectory_id = %s AND phase = 4",
            [done.pk],
        )
    # Deleting the Nazorg is checked at commit (so a whole trajectory can still be deleted).
    with refused("trajectory_completed_with_nazorg", "heeft een afgeronde nazorg"):
        sql(
            "DELETE FROM trajectories_phaserecord WHERE trajectory_id = %s AND phase = 4",
            [done.pk],
        )
        check_deferred_now()
    assert done.phases.count() == 4


def test_a_completed_trajectory_can_still_be_deleted_whole(seed):
    done = completed()
    Trajectory.objects.filter(pk=done.pk).delete()
    check_deferred_now()
    assert not PhaseRecord.objects.filter(trajectory_id=done.pk).exists()


# --- fees never above the indexed amounts -------------------------------------------------------


def test_database_refuses_a_phase_fee_above_its_indexed_amount(seed):
    trajectory = started()
    # 420 x 108.42 / 106.05 = 429.39 (see test_trajectories_rules).
    record = phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 29), hours=14)
    assert record.fee_amount == Decimal("429.39")
    with refused(
        "phase_record_fee_within_indexed_maximum",
        "(EUR 10000.00) is hoger dan het geïndexeerde bedrag van de regeling (EUR 429.39)",
    ):
        sql("UPDATE trajectories_phaserecord SET fee_amount = 10000 WHERE id = %s", [record.pk])
    # Nor made to fit by another index than the one recorded for that month.
    with refused(INDEXED_MAXIMUM, "niet de geregistreerde gezondheidsindex"):
        sql(
            "UPDATE trajectories_phaserecord SET fee_amount = 10000, index_value = 2600 "
            "WHERE id = %s",
            [record.pk],
        )
    with refused(INDEXED_MAXIMUM, "niet de geregistreerde gezondheidsindex"):
        sql(
            "UPDATE trajectories_phaserecord SET index_reference_month = '2026-01-01' "
            "WHERE id = %s",
            [record.pk],
        )
    # A new phase with the fee of 10,000, with the right index values.
    with refused("phase_record_fee_within_indexed_maximum", "(EUR 1288.16)"):
        insert_phase(
            trajectory,
            2,
            dt.date(2019, 4, 1),
            dt.date(2019, 5, 1),
            fee_amount=10000,
            fee_schedule_id=record.fee_schedule_id,
            index_reference_month=dt.date(2019, 1, 1),
            index_value=record.index_value,
            index_base_value=record.index_base_value,
        )
    # Lower than the indexed amount is allowed (a reduced fee).
    sql("UPDATE trajectories_phaserecord SET fee_amount = 400 WHERE id = %s", [record.pk])


def test_database_refuses_fees_above_the_indexed_cap_per_trajectory(seed):
    done = completed()
    # Rounded per phase, 429.39 + 3 x 1288.16 = 4293.87 is a cent above the cap 4200 x 108.42 /
    # 106.05 = 4293.86, so the Nazorg was reduced to 1288.15: its full amount is refused.
    nazorg = done.phases.get(phase=4)
    assert nazorg.fee_amount == Decimal("1288.15")
    with refused(
        "trajectory_fees_within_indexed_cap",
        "tot en met fase 4 (EUR 4293.87) overschrijden het geïndexeerde plafond per traject "
        "(EUR 4293.86)",
    ):
        sql("UPDATE trajectories_phaserecord SET fee_amount = 1288.16 WHERE id = %s", [nazorg.pk])
    assert PhaseRecord.objects.get(pk=nazorg.pk).fee_amount == Decimal("1288.15")


# --- the paths that write them ------------------------------------------------------------------


def test_the_demo_generator_keeps_every_rule(seed):
    demo_generate(count=300, seed=11)
    check_deferred_now()  # its completed trajectories are checked at commit
    assert Trajectory.objects.filter(status=TrajectoryStatus.COMPLETED).exists()


def test_the_admin_shows_the_database_refusal_on_its_form(admin_client_, seed):
    trajectory = stopped()
    url = reverse("admin:trajectories_trajectory_change", args=[trajectory.pk])
    data = change_form_data(admin_client_.get(url))
    data.update(status="afgerond")
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "Een afgerond traject heeft een afgeronde nazorg" in response.content.decode()
    assert Trajectory.objects.get(pk=trajectory.pk).status == TrajectoryStatus.STOPPED

    data = change_form_data(admin_client_.get(url))
    data.update(end_date="2019-03-19")
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "kan niet eindigen (2019-03-19) voor fase 1" in response.content.decode()
    assert Trajectory.objects.get(pk=trajectory.pk).end_date == dt.date(2019, 3, 20)


def test_the_admin_refuses_deleting_the_nazorg_of_a_completed_trajectory(admin_client_, seed):
    done = completed()
    nazorg = done.phases.get(phase=4)
    url = reverse("admin:trajectories_phaserecord_delete", args=[nazorg.pk])
    response = admin_client_.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "Een afgerond traject heeft een afgeronde nazorg" in response.content.decode()
    assert PhaseRecord.objects.filter(pk=nazorg.pk).exists()


def test_a_bulk_delete_the_database_refuses_changes_nothing_and_says_why(admin_client_, seed):
    """The changelist's "delete selected" with one refused row: the list, the message, no row
    gone (not a server error after the others were deleted)."""
    done = completed()
    running = started()
    chosen = [done.phases.get(phase=4).pk, running.phases.get(phase=1).pk]
    url = reverse("admin:trajectories_phaserecord_changelist")
    data = {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    response = admin_client_.post(url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(url)
    assert "Een afgerond traject heeft een afgeronde nazorg" in response.content.decode()
    assert PhaseRecord.objects.filter(pk__in=chosen).count() == 2


def test_the_installed_phase_order_function_is_the_one_beside_the_python_rule(db):
    """`trajectories.phase_order` keeps the rule and its trigger's function together: a change of
    the one there needs a migration that installs it."""
    from django.db import connection

    from trajectories.phase_order import ORDER_CHECK

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = 'trajectories_phase_record_order_check'"
        )
        (installed,) = cursor.fetchone()
    assert " ".join(installed.split()) == " ".join(ORDER_CHECK.split("$$")[1].split())
