"""Trajectories: scope by every route, personal data gating and logging, audit of
bulk changes, stale saves refused, and GDPR erasure that keeps the figures."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from doorstroom.audit import history_for
from doorstroom.exports import export_bytes, get_export
from doorstroom.models import PersonalDataAccess
from doorstroom.roles import Role
from mandates.models import Mandate, Organisation, Province
from tests.factories.mandates import OrganisationFactory
from trajectories.models import PhaseRecord, Trajectory, Worker
from trajectories.services import (
    phase_complete,
    trajectory_start,
    worker_create,
    worker_erase,
)

INSZ = "85073003328"


def start(number: int, *, day: dt.date = dt.date(2019, 3, 4), insz=None) -> Trajectory:
    worker = worker_create(first_name="Sofie", last_name="Verbeke", insz=insz)
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=number),
        origin_employer=OrganisationFactory(),
        start_date=day,
    )


@pytest.fixture
def two_providers(seed, make_user):
    """EMINO (7887, 7889) and Stad Gent (6454, 6630, 7738), each with a trajectory."""
    emino = make_user("emino", Role.PROVIDER, organisation=Organisation.objects.get(name="EMINO"))
    own = start(7887, insz=INSZ)
    other = start(6454)
    return emino, own, other


def rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_a_provider_cannot_see_find_count_export_or_change_another_providers_trajectory(
    client, two_providers
):
    emino, own, other = two_providers
    version_before = Trajectory.objects.values_list("version", flat=True).get(pk=other.pk)
    client.force_login(emino)
    # see
    assert client.get(reverse("trajectories:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("trajectories:detail", args=[other.pk])).status_code == 404
    # find
    listing = client.get(reverse("trajectories:list"))
    assert [r.record.pk for r in listing.context["table"].rows] == [own.pk]
    found = client.get(reverse("trajectories:list"), {"mandate": "6454"})
    assert found.context["filter"].errors  # another provider's mandate is not even a choice
    # count
    stats = rows(client.get(reverse("export-download", args=["trajectory-stats"])))
    assert ["Totaal", "alle trajecten", "<5"] in stats
    per_call = {r[1]: r[2] for r in stats if r[0] == "ESF-oproep"}
    # Stad Gent's trajectory is not counted, and its call (none of EMINO's) not even listed.
    assert "366 Doorstroom LDE" not in per_call and set(per_call) == {"432 Doorstroom SE"}
    # export
    exported = rows(client.get(reverse("export-download", args=["trajectories"])))
    assert [r[0] for r in exported[1:]] == [own.worker.reference]
    statement = get_export("provider-statement")({}, user=emino)
    assert all(r[0] in (None, 7887, 7889) for r in statement.rows())
    # change: no admin for provider users, and the other trajectory is out of scope anyway
    assert (
        client.get(reverse("admin:trajectories_trajectory_change", args=[other.pk])).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.version == version_before


def test_provincial_staff_see_only_trajectories_of_their_province(client, make_user, two_providers):
    _, own, other = two_providers  # 7887 is in Limburg, 6454 in Oost-Vlaanderen
    staff = make_user(
        "limburg", Role.PROVINCIAL, province=Province.objects.get(name="Limburg"), is_staff=True
    )
    client.force_login(staff)
    listing = client.get(reverse("trajectories:list"))
    assert [r.record.pk for r in listing.context["table"].rows] == [own.pk]
    changelist = client.get(reverse("admin:trajectories_trajectory_changelist"))
    assert [t.pk for t in changelist.context["cl"].result_list] == [own.pk]
    assert (
        client.get(reverse("admin:trajectories_trajectory_change", args=[other.pk])).status_code
        == 302
    )
    # The phases' own admin is scoped the same way.
    phases = client.get(reverse("admin:trajectories_phaserecord_changelist"))
    assert {p.trajectory_id for p in phases.context["cl"].result_list} == {own.pk}
    other_phase = other.phases.get()
    assert (
        client.get(
            reverse("admin:trajectories_phaserecord_change", args=[other_phase.pk])
        ).status_code
        == 302
    )


def test_policy_analysts_get_aggregates_but_no_personal_data(client, make_user, two_providers):
    analyst = make_user("analist", Role.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("trajectories:list")).status_code == 403
    assert client.get(reverse("trajectories:detail", args=[two_providers[1].pk])).status_code == 403
    assert client.get(reverse("export-download", args=["trajectories"])).status_code == 403
    assert client.get(reverse("export-download", args=["trajectory-stats"])).status_code == 200
    assert client.get(reverse("trajectories:hours")).status_code == 200


def test_viewing_and_exporting_personal_data_is_logged_without_the_data(
    logged_in_client, user, two_providers
):
    _, own, _ = two_providers
    logged_in_client.get(reverse("trajectories:detail", args=[own.pk]))
    b"".join(
        logged_in_client.get(reverse("export-download", args=["trajectories"])).streaming_content
    )
    entries = list(PersonalDataAccess.objects.filter(user=user).order_by("at"))
    assert [e.action for e in entries] == ["view", "export"]
    assert str(own.pk) in entries[0].subject
    assert "/exports/trajectories/" in entries[1].subject


def test_bulk_update_of_phases_is_in_the_audit_trail(seed):
    trajectory = start(7887)
    PhaseRecord.objects.filter(trajectory=trajectory).update(hours=Decimal("12.5"))
    record = trajectory.phases.get()
    (latest, *_) = history_for(record)
    assert latest.pgh_diff["hours"] == [0, 12.5]


def test_a_stale_copy_of_a_trajectory_is_refused_and_nothing_changes(admin_client_, seed):
    trajectory = start(7887)
    url = reverse("admin:trajectories_trajectory_change", args=[trajectory.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {n: form[n].value() if form[n].value() is not None else "" for n in form.fields}
    record = trajectory.phases.get()
    data.update(
        {
            "start_date": "04/03/2019",
            "phases-TOTAL_FORMS": "1",
            "phases-INITIAL_FORMS": "1",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
            "phases-0-id": record.pk,
            "phases-0-seen_version": record.version,
            "phases-0-trajectory": trajectory.pk,
            "phases-0-phase": 1,
            "phases-0-start_date": "04/03/2019",
            "phases-0-max_months": 1,
            "phases-0-hours": "10",
        }
    )
    # Meanwhile someone else records the outcome.
    Trajectory.objects.filter(pk=trajectory.pk).update(outcome="nee")
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "Iemand anders heeft dit record gewijzigd" in response.content.decode()
    record.refresh_from_db()
    assert record.hours == 0  # the stale save changed nothing
    trajectory.refresh_from_db()
    assert trajectory.outcome == "nee"

    # Reopened, the same edit goes through.
    form = admin_client_.get(url).context["adminform"].form
    data["seen_version"] = form["seen_version"].value()
    data["outcome"] = "nee"
    assert admin_client_.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.hours == 10


def test_erasure_removes_name_and_insz_everywhere_and_keeps_the_figures(seed):
    trajectory = start(7887, insz=INSZ)
    phase_complete(trajectory=trajectory, end_date=dt.date(2019, 3, 29), hours=Decimal("14"))
    before = {
        name: export_bytes(get_export(name)({}), "csv", "rfc4180")
        for name in ("trajectory-stats", "provider-statement", "trajectories")
    }
    worker_erase(worker=trajectory.worker)
    worker = Worker.objects.get(pk=trajectory.worker_id)
    assert (worker.first_name, worker.last_name, worker.insz) == ("", "", None)
    assert worker.erased_at is not None
    after = {name: export_bytes(get_export(name)({}), "csv", "rfc4180") for name in before}
    assert after == before
    assert_nowhere_in_the_database([INSZ, "Verbeke"])


def assert_nowhere_in_the_database(needles: list[str]) -> None:
    """Search every table of every app (history, logs, sessions included) as text."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue  # views such as pghistory's events read the tables searched here
            table = model._meta.db_table
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            for (text,) in cursor.fetchall():
                for needle in needles:
                    assert needle not in text, (table, needle)


def test_no_log_or_history_holds_an_insz_or_a_password(client, make_user, seed):
    password = "een-lang-wachtwoord-2026"
    editor = make_user("editor2", Role.EDITOR, is_staff=True)
    client.post(reverse("login"), {"username": "editor2", "password": "fout-wachtwoord-x"})
    client.post(reverse("login"), {"username": "editor2", "password": password})
    trajectory = start(7887, insz=INSZ)
    Worker.objects.filter(pk=trajectory.worker_id).update(insz="85073003328")
    client.get(reverse("admin:trajectories_worker_change", args=[trajectory.worker_id]))
    client.get(reverse("trajectories:detail", args=[trajectory.pk]))
    assert Group.objects.filter(user=editor).exists()
    history = json.dumps([e.pgh_data for e in history_for(trajectory.worker)])
    assert INSZ not in history
    worker_erase(worker=trajectory.worker)
    assert_nowhere_in_the_database([INSZ, password])


def test_a_user_without_a_scope_gets_empty_exports_not_an_error(client, seed, make_user):
    start(7887)
    client.force_login(make_user("zonder-scope", Role.PROVIDER))  # no organisation yet
    for name in ("trajectory-stats", "provider-statement", "trajectories"):
        assert client.get(reverse("export-download", args=[name])).status_code == 200, name
    stats = rows(client.get(reverse("export-download", args=["trajectory-stats"])))
    assert ["Totaal", "alle trajecten", "0"] in stats
    statement = rows(client.get(reverse("export-download", args=["provider-statement"])))
    assert statement[1:] == [
        ["", "Totaal alle mandaten", "", "", "", "", "", "", "0", "0,00", "0,00"]
    ]
    assert len(rows(client.get(reverse("export-download", args=["trajectories"])))) == 1
