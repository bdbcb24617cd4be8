"""The rules of paying providers held by the database itself (payments migration 0002
and the constraints of the models).

Every attack is plain SQL, as a psql session or a script would send it, bypassing Django: no
phase claimed twice, no payment above the approved amount, the same person never checks and
approves. The running totals of the ledger follow writes of any kind, COPY of demo data too.
"""

import contextlib
import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from mandates.models import Mandate
from payments import states
from payments.models import ClaimLine, LedgerMonth
from tests.factories.payments import ClaimFactory, ClaimLineFactory, completed_trajectory
from trajectories.demo import demo_generate
from trajectories.models import PhaseRecord

pytestmark = pytest.mark.django_db

RULES = importlib.import_module("payments.migrations.0002_rules_in_database")


@contextlib.contextmanager
def refused(rule: str, message: str = ""):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    diag = caught.value.__cause__.diag
    assert diag.constraint_name == rule
    assert message in diag.message_primary


def sql(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def insert_line(claim_id: int, phase: PhaseRecord) -> None:
    """A fee line written as a script would: the mandate and status are left to the database."""
    sql(
        "INSERT INTO payments_claimline (claim_id, position, kind, phase_id, trajectory_id, "
        "phase_number, completed_on, amount, fee_schedule_id, index_reference_month, index_value, "
        "index_base_value, in_sample, check_result, check_note, deduction, deduction_note) "
        "VALUES (%s, 1, 'vergoeding', %s, %s, %s, %s, %s, %s, %s, %s, %s, false, '', '', 0, '')",
        [
            claim_id,
            phase.pk,
            phase.trajectory_id,
            phase.phase,
            phase.end_date,
            phase.fee_amount,
            phase.fee_schedule_id,
            phase.index_reference_month,
            phase.index_value,
            phase.index_base_value,
        ],
    )


@pytest.fixture
def people(make_user):
    return {name: make_user(name, None) for name in ("indiener", "controleur", "financien")}


@pytest.fixture
def claimed(seed, people):
    """A submitted claim of EMINO's mandate 7887 holding the four phases of one trajectory."""
    mandate = Mandate.objects.get(project_number=7887)
    trajectory = completed_trajectory(mandate)
    claim = ClaimFactory(mandate=mandate, created_by=people["indiener"])
    for phase in trajectory.phases.order_by("phase"):
        ClaimLineFactory(claim=claim, phase=phase)
    sql(
        "UPDATE payments_claim SET status = 'ingediend', submitted_by_id = %s, "
        "submitted_at = now() WHERE id = %s",
        [people["indiener"].pk, claim.pk],
    )
    return claim, trajectory


def decide(claim, *, checker, decider, status="goedgekeurd", approved="100.00") -> None:
    sql(
        "UPDATE payments_claim SET status = %s, review_started_by_id = %s, "
        "review_started_at = now(), sample_seed = 1, checked_by_id = %s, checked_at = now(), "
        "decided_by_id = %s, decided_at = now(), approved_amount = %s WHERE id = %s",
        [status, checker.pk, checker.pk, decider.pk, approved, claim.pk],
    )


def test_the_status_lists_of_the_rules_are_those_of_the_application():
    def listed(text: str) -> set[str]:
        return {value.strip(" '") for value in text.split(",")}

    assert listed(RULES.CLAIMED) == set(states.CLAIMED)
    assert listed(RULES.DECIDED) == set(states.DECIDED)
    assert listed(RULES.PAID) == {states.ClaimStatus.PAID}
    assert listed(RULES.REJECTED) == {states.ClaimStatus.REJECTED}


def test_a_phase_is_never_claimed_twice_while_its_claim_stands(claimed, people):
    claim, trajectory = claimed
    phase = trajectory.phases.get(phase=3)
    other = ClaimFactory(mandate=claim.mandate, created_by=people["indiener"])
    with refused("claim_line_phase_claimed_once"):
        insert_line(other.pk, phase)
    # A script cannot free the phase by marking its line rejected: the line takes its claim's.
    sql("UPDATE payments_claimline SET claim_status = 'afgewezen' WHERE claim_id = %s", [claim.pk])
    assert set(claim.lines.values_list("claim_status", flat=True)) == {"ingediend"}
    with refused("claim_line_phase_claimed_once"):
        insert_line(other.pk, phase)
    # Rejected, the claim frees its phases at once.
    decide(claim, checker=people["controleur"], decider=people["financien"], status="afgewezen")
    insert_line(other.pk, phase)
    assert ClaimLine.objects.filter(phase=phase).count() == 2


def test_no_payment_above_the_approved_amount(claimed, people):
    claim, _ = claimed
    decide(claim, checker=people["controleur"], decider=people["financien"], approved="500.00")
    insert = (
        "INSERT INTO payments_payment (claim_id, reference, paid_on, amount, recorded_by_id, "
        "recorded_at) VALUES (%s, %s, '2024-06-01', %s, %s, now())"
    )
    with refused("payment_not_above_approved", "hoger dan het goedgekeurde bedrag"):
        sql(insert, [claim.pk, "SV-1", "500.01", people["financien"].pk])
    sql(insert, [claim.pk, "SV-1", "500.00", people["financien"].pk])
    # Nor can the approved amount be lowered under what was paid.
    with refused("payment_not_above_approved"):
        sql("UPDATE payments_claim SET approved_amount = 499 WHERE id = %s", [claim.pk])
    # Nor is a payment recorded for a claim that was never approved.
    other = ClaimFactory(mandate=claim.mandate, created_by=people["indiener"])
    with refused("payment_not_above_approved"):
        sql(insert, [other.pk, "SV-2", "1.00", people["financien"].pk])


def test_the_same_person_never_checks_and_approves(claimed, people):
    claim, _ = claimed
    controleur, indiener = people["controleur"], people["indiener"]
    with refused("claim_four_eyes_decision"):
        decide(claim, checker=controleur, decider=controleur)
    with refused("claim_four_eyes_decision"):
        decide(claim, checker=controleur, decider=indiener)
    with refused("claim_four_eyes_check"):
        decide(claim, checker=indiener, decider=people["financien"])
    with refused("claim_decided_after_its_check"):
        sql(
            "UPDATE payments_claim SET status = 'goedgekeurd', review_started_by_id = %s, "
            "sample_seed = 1, decided_by_id = %s, decided_at = now(), approved_amount = 1 "
            "WHERE id = %s",
            [controleur.pk, people["financien"].pk, claim.pk],
        )
    decide(claim, checker=controleur, decider=people["financien"])


def test_a_claimed_phase_keeps_its_fee_and_stays(claimed):
    _claim, trajectory = claimed
    phase = trajectory.phases.get(phase=2)
    with refused("claimed_phase_unchanged", "staat op schuldvordering"):
        sql("UPDATE trajectories_phaserecord SET fee_amount = 1 WHERE id = %s", [phase.pk])
    with refused("claimed_phase_unchanged"):
        sql("UPDATE trajectories_phaserecord SET end_date = end_date - 1 WHERE id = %s", [phase.pk])
    with refused("claimed_phase_unchanged"):
        sql("DELETE FROM trajectories_phaserecord WHERE trajectory_id = %s", [trajectory.pk])
    other = Mandate.objects.get(project_number=7889)
    with refused("claimed_phase_unchanged"):
        sql(
            "UPDATE trajectories_trajectory SET mandate_id = %s WHERE id = %s",
            [other.pk, trajectory.pk],
        )
    # Hours are no part of the fee: they still change.
    sql("UPDATE trajectories_phaserecord SET hours = 30 WHERE id = %s", [phase.pk])


def expected_ledger() -> dict[tuple[int, dt.date], tuple]:
    """The ledger counted from scratch: fees of completed phases, and the claim lines."""
    rows: dict[tuple[int, dt.date], list] = {}

    def row(mandate_id, month):
        return rows.setdefault((mandate_id, month), [0, Decimal("0")] + [Decimal("0")] * 3)

    owed = (
        PhaseRecord.objects.completed()
        .annotate(month=TruncMonth("end_date"))
        .values("trajectory__mandate", "month")
        .annotate(n=Count("id"), total=Sum("fee_amount"))
    )
    for found in owed:
        entry = row(found["trajectory__mandate"], found["month"])
        entry[0] += found["n"]
        entry[1] += found["total"]
    for line in ClaimLine.objects.select_related("claim"):
        entry = row(line.claim.mandate_id, line.completed_on.replace(day=1))
        status = line.claim.status
        if status in states.CLAIMED:
            entry[2] += line.amount
        if status in states.DECIDED:
            entry[3] += line.amount - line.deduction
        if status == states.ClaimStatus.PAID:
            entry[4] += line.amount - line.deduction
    return {key: tuple(value) for key, value in rows.items() if any(value)}


def ledger() -> dict[tuple[int, dt.date], tuple]:
    return {
        (row.mandate_id, row.month): figures
        for row in LedgerMonth.objects.all()
        if any(figures := (row.owed_phases, row.owed, row.claimed, row.approved, row.paid))
    }


def test_the_ledger_follows_every_write_whatever_path(claimed, people):
    claim, trajectory = claimed
    assert ledger() == expected_ledger()
    fees = sum(p.fee_amount for p in trajectory.phases.all())
    assert sum(v[2] for v in ledger().values()) == fees
    # Demo data written with COPY, as the benchmark writes a million trajectories.
    demo_generate(count=40, seed=7)
    assert ledger() == expected_ledger()
    decide(claim, checker=people["controleur"], decider=people["financien"], approved="100.00")
    sql(
        "UPDATE payments_claimline SET deduction = 5, deduction_reason_id = (SELECT id FROM "
        "payments_deductionreason LIMIT 1) WHERE claim_id = %s AND phase_number = 1",
        [claim.pk],
    )
    sql("UPDATE payments_claim SET status = 'betaald' WHERE id = %s", [claim.pk])
    assert ledger() == expected_ledger()
    assert sum(row[4] for row in ledger().values()) == fees - 5
    # A phase whose fee changes before it is claimed (an undo, an import) moves the figures.
    free = completed_trajectory(claim.mandate, phases=2).phases.get(phase=2)
    sql(
        "UPDATE trajectories_phaserecord SET end_date = NULL, fee_amount = NULL, "
        "fee_schedule_id = NULL, index_reference_month = NULL, index_value = NULL, "
        "index_base_value = NULL WHERE id = %s",
        [free.pk],
    )
    assert ledger() == expected_ledger()
    # A rejected claim takes its lines out of what is claimed.
    other = completed_trajectory(claim.mandate, phases=1)
    second = ClaimFactory(mandate=claim.mandate, created_by=people["indiener"])
    insert_line(second.pk, other.phases.get())
    sql(
        "UPDATE payments_claim SET status = 'ingediend', submitted_by_id = %s, "
        "submitted_at = now() WHERE id = %s",
        [people["indiener"].pk, second.pk],
    )
    assert ledger() == expected_ledger()
    decide(second, checker=people["controleur"], decider=people["financien"], status="afgewezen")
    assert ledger() == expected_ledger()
    sql("DELETE FROM payments_claimline WHERE claim_id = %s", [second.pk])
    assert ledger() == expected_ledger()
