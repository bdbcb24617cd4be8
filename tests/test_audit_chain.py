"""The events' hash chain, and audit_verify, which finds every change made behind it.

The tampering is done as the owner role (the strongest role the application's configuration
knows; a superuser could do no more to these tables), with raw SQL on a connection of its own.
These tests commit, as the chain is extended when a transaction commits.
"""

import threading
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from doorstroom import auditdb, dbroles
from mandates.models import Mandate, MandateEvent
from tests.conftest import connect_as
from trajectories.models import Worker, WorkerEvent

pytestmark = pytest.mark.django_db(transaction=True)

APPEND_ONLY = "{pgtrigger_append_only_655c0}"


@pytest.fixture
def owner(owner_sql):
    return owner_sql


def problems() -> list[tuple[str, str, str | None]]:
    return [(p.what, p.event_table, p.event_key) for p in auditdb.verify().problems]


def audit_verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def changed_mandates(seed):
    for name in ("Eerste", "Tweede", "Derde"):
        Mandate.objects.filter(project_number=6441).update(name=name)
    return list(MandateEvent.objects.filter(pgh_obj__project_number=6441).order_by("pgh_id"))


def test_a_clean_chain_is_reported_clean(changed_mandates):
    assert problems() == []
    out = audit_verify()
    assert "The audit trail holds." in out
    # Every event of every table, and every context, is one link.
    rows = 0
    with connection.cursor() as cursor:
        for table in auditdb.audit_tables():
            cursor.execute(f'SELECT count(*) FROM "{table.name}"')
            rows += cursor.fetchone()[0]
    assert auditdb.verify().links == rows > len(changed_mandates)


def test_an_event_changed_by_the_owner_is_reported(changed_mandates, owner):
    event = changed_mandates[1]
    owner.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [APPEND_ONLY])
    owner.execute(
        "UPDATE mandates_mandateevent SET name = 'vervalst' WHERE pgh_id = %s", [event.pk]
    )
    assert problems() == [(auditdb.CHANGED, "mandates_mandateevent", str(event.pk))]
    with pytest.raises(CommandError, match="1 problems"):
        audit_verify()


def test_an_event_deleted_by_the_owner_is_reported(changed_mandates, owner):
    event = changed_mandates[1]
    owner.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [APPEND_ONLY])
    owner.execute("DELETE FROM mandates_mandateevent WHERE pgh_id = %s", [event.pk])
    assert problems() == [(auditdb.MISSING, "mandates_mandateevent", str(event.pk))]


def test_an_event_and_its_link_deleted_leave_a_gap(changed_mandates, owner):
    event = changed_mandates[1]
    owner.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [APPEND_ONLY])
    owner.execute("DELETE FROM mandates_mandateevent WHERE pgh_id = %s", [event.pk])
    owner.execute(
        "DELETE FROM doorstroom_auditlink WHERE event_table = 'mandates_mandateevent' "
        "AND event_key = %s",
        [str(event.pk)],
    )
    next_event = changed_mandates[2]
    assert problems() == [(auditdb.GAP, "mandates_mandateevent", str(next_event.pk))]


def test_an_event_inserted_outside_the_chain_is_reported(changed_mandates, owner):
    event = changed_mandates[0]
    with owner.transaction():
        owner.execute(f"ALTER TABLE mandates_mandateevent DISABLE TRIGGER {auditdb.CHAIN_TRIGGER}")
        (forged,) = owner.execute(
            "INSERT INTO mandates_mandateevent "
            "SELECT (json_populate_record(e, json_build_object('pgh_id', "
            "nextval(pg_get_serial_sequence('mandates_mandateevent', 'pgh_id'))))).* "
            "FROM mandates_mandateevent e WHERE pgh_id = %s RETURNING pgh_id",
            [event.pk],
        ).fetchone()
        owner.execute(f"ALTER TABLE mandates_mandateevent ENABLE TRIGGER {auditdb.CHAIN_TRIGGER}")
    assert problems() == [(auditdb.UNLINKED, "mandates_mandateevent", str(forged))]


def test_a_link_forged_into_the_chain_is_reported(changed_mandates, owner):
    """An event inserted with a link of its own making: the hash the next link covers differs."""
    last_event = changed_mandates[-1]
    owner.execute(
        "UPDATE doorstroom_auditlink SET hash = sha256('vervalst') "
        "WHERE event_table = 'mandates_mandateevent' AND event_key = %s",
        [str(last_event.pk)],
    )
    assert (auditdb.CHANGED, "mandates_mandateevent", str(last_event.pk)) in problems()


def test_a_chain_rewritten_from_a_noted_link_on_is_reported(changed_mandates, owner):
    """Whoever rewrites the chain consistently from some place on differs from a noted hash."""
    result = auditdb.verify()
    noted = f"{result.links}:{result.head}"
    assert noted in audit_verify("--expect", noted)
    last_event = changed_mandates[-1]
    owner.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [APPEND_ONLY])
    owner.execute(
        "UPDATE mandates_mandateevent SET name = 'vervalst' WHERE pgh_id = %s", [last_event.pk]
    )
    owner.execute(
        "UPDATE doorstroom_auditlink l SET hash = audit_link_hash("
        "(SELECT hash FROM doorstroom_auditlink WHERE seq = l.seq - 1), l.seq, l.event_table, e) "
        "FROM mandates_mandateevent e WHERE l.seq = %s AND e.pgh_id = %s",
        [result.links, last_event.pk],
    )
    assert problems() == []
    with pytest.raises(CommandError, match="1 problems"):
        audit_verify("--expect", noted)


def test_the_owner_too_is_refused_by_the_append_only_trigger(changed_mandates, owner):
    with pytest.raises(psycopg.errors.RaiseException, match="Cannot update or delete"):
        owner.execute(
            "DELETE FROM mandates_mandateevent WHERE pgh_id = %s", [changed_mandates[0].pk]
        )


def test_concurrent_writers_extend_one_unbroken_chain(seed):
    """Transactions committing at once each take the next place: no fork, no gap."""
    mandates = list(Mandate.objects.order_by("pk").values_list("pk", flat=True)[:4])
    before = auditdb.verify().links
    start = threading.Barrier(len(mandates))
    errors = []

    def write(pk: int) -> None:
        try:
            with connect_as(dbroles.application_credentials()) as conn:
                start.wait()
                for round_ in range(10):
                    with conn.transaction():
                        conn.execute(
                            "UPDATE mandates_mandate SET name = %s WHERE id = %s",
                            [f"Ronde {round_}", pk],
                        )
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=[pk]) for pk in mandates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = auditdb.verify()
    assert result.problems == []
    assert result.links == before + 4 * 10


def test_a_change_of_name_or_insz_is_an_event_naming_the_fields_never_the_values(db):
    worker = Worker.objects.create(first_name="Anna", last_name="Peeters")
    Worker.objects.filter(pk=worker.pk).update(first_name="Annabel")
    Worker.objects.filter(pk=worker.pk).update(last_name="Janssens", insz="85073003328")
    Worker.objects.filter(pk=worker.pk).update(is_demo=True)
    events = WorkerEvent.objects.filter(pgh_obj=worker).order_by("pgh_id")
    labels = [e.pgh_label for e in events]
    # Every update also bumps the optimistic-lock version, which leaves an ordinary "update".
    assert labels[0] == "insert" and labels.count("update") == 3
    assert [label for label in labels if label.startswith("changed")] == [
        "changed: first_name",
        "changed: last_name, insz",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_jsonb(e)::text FROM trajectories_workerevent e WHERE pgh_obj_id = %s",
            [worker.pk],
        )
        rows = " ".join(row for (row,) in cursor.fetchall())
    for value in ("Anna", "Peeters", "Janssens", "85073003328"):
        assert value not in rows
    assert auditdb.verify().problems == []
