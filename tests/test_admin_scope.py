"""The admin writes only in the user's scope.

The attacks of the issue, as Limburg provincial staff: a phase added to an Antwerpen mandate's
trajectory, a trajectory on an Antwerpen mandate, a new mandate working in Antwerpen, and the
Antwerpen row of a mandate shared with Antwerpen rewritten, removed or joined by another.
Each is refused with a form error and writes nothing; the same form with the user's own ids
is saved, so the refusal is the scope's and nothing else's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from doorstroom.roles import Role
from mandates.models import Call, Mandate, MandateProvince, Organisation, Province
from tests.admin_posts import admin_tables, fingerprint, page_data
from tests.factories.mandates import OrganisationFactory
from trajectories.models import PhaseRecord, Trajectory, TrajectoryStatus, Worker
from trajectories.services import trajectory_start, trajectory_stop, worker_create

START = dt.date(2024, 3, 4)


def start(mandate: Mandate) -> Trajectory:
    return trajectory_start(
        worker=worker_create(first_name="Lotte", last_name="Claes"),
        mandate=mandate,
        origin_employer=OrganisationFactory(),
        start_date=START,
    )


@pytest.fixture
def limburg(seed, make_user, client):
    """Limburg staff logged in, a trajectory in Limburg and one on an Antwerpen mandate."""
    user = make_user(
        "limburg", Role.PROVINCIAL, province=Province.objects.get(name="Limburg"), is_staff=True
    )
    client.force_login(user)
    own = start(Mandate.objects.filter(working_area__province__name="Limburg").first())
    antwerpen = Mandate.objects.filter(working_area__province__name="Antwerpen").exclude(
        working_area__province__name="Limburg"
    )
    other = start(antwerpen.first())
    return client, own, other


def form_page(client, name: str, *args) -> dict:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return page_data(response)


def field_errors(response) -> dict:
    assert response.status_code == 200, response.status_code  # the form again, with errors
    return response.context["adminform"].form.errors


def test_a_phase_cannot_be_added_to_another_provinces_trajectory(limburg):
    client, own, other = limburg
    url = reverse("admin:trajectories_phaserecord_add")
    # The first phases ended, so a second may start.
    PhaseRecord.objects.filter(trajectory__in=[own, other]).update(end_date=dt.date(2024, 3, 29))
    data = form_page(client, "admin:trajectories_phaserecord_add")
    data.update(phase="2", start_date="2024-04-01", max_months="3", hours="10")
    tables = admin_tables()
    before = fingerprint(tables)

    response = client.post(url, {**data, "trajectory": other.pk})
    assert "trajectory" in field_errors(response)
    assert fingerprint(tables) == before
    assert not PhaseRecord.objects.filter(trajectory=other, phase=2).exists()
    # Nor is the other trajectory offered.
    assert other.pk not in {
        t.pk for t in response.context["adminform"].form.fields["trajectory"].queryset
    }

    assert client.post(url, {**data, "trajectory": own.pk}).status_code == 302
    assert PhaseRecord.objects.filter(trajectory=own, phase=2).exists()


@pytest.fixture
def stopped_worker(limburg):
    """A worker of Limburg's (their trajectory stopped), free for a new trajectory."""
    _, own, _ = limburg
    trajectory_stop(trajectory=own, end_date=START + dt.timedelta(days=10), reason="verhuisd")
    return own.worker


def test_a_trajectory_cannot_be_put_on_another_provinces_mandate(limburg, stopped_worker):
    client, own, other = limburg
    url = reverse("admin:trajectories_trajectory_add")
    data = form_page(client, "admin:trajectories_trajectory_add")
    data.update(
        worker=stopped_worker.pk,
        origin_employer=Organisation.objects.first().pk,
        start_date="2024-05-06",
        status=TrajectoryStatus.RUNNING,
    )
    tables = admin_tables()
    before = fingerprint(tables)

    response = client.post(url, {**data, "mandate": other.mandate_id})
    assert "mandate" in field_errors(response)
    # A worker out of scope is refused the same way.
    response = client.post(url, {**data, "mandate": own.mandate_id, "worker": other.worker_id})
    assert "worker" in field_errors(response)
    assert fingerprint(tables) == before

    assert client.post(url, {**data, "mandate": own.mandate_id}).status_code == 302
    assert Trajectory.objects.filter(worker=stopped_worker, status="lopend").exists()


def test_a_trajectory_cannot_be_moved_to_another_provinces_mandate(limburg):
    client, own, other = limburg
    url = reverse("admin:trajectories_trajectory_change", args=[own.pk])
    data = form_page(client, "admin:trajectories_trajectory_change", own.pk)
    tables = admin_tables()
    before = fingerprint(tables)

    response = client.post(url, {**data, "mandate": other.mandate_id})
    assert "mandate" in field_errors(response)
    assert fingerprint(tables) == before

    assert client.post(url, {**data, "stop_reason": "nagekeken"}).status_code == 302
    own.refresh_from_db()
    assert own.stop_reason == "nagekeken"


def test_another_provinces_trajectory_and_phase_cannot_be_changed_or_deleted(limburg, staff_user):
    client, _, other = limburg
    superuser = Client()
    superuser.force_login(staff_user)
    phase = other.phases.get()
    cases = [
        ("admin:trajectories_trajectory_change", other.pk),
        ("admin:trajectories_trajectory_delete", other.pk),
        ("admin:trajectories_phaserecord_change", phase.pk),
        ("admin:trajectories_phaserecord_delete", phase.pk),
        ("admin:trajectories_worker_change", other.worker_id),
    ]
    tables = admin_tables()
    for name, pk in cases:
        # What an editor's page would post (the record is valid as it is).
        page = superuser.get(reverse(name, args=[pk]))
        data = page_data(page) if "adminform" in page.context else {}
        before = fingerprint(tables)
        response = client.post(reverse(name, args=[pk]), {**data, "post": "yes"})
        # Out of scope is "does not exist" (back to the index); deleting is not theirs at all.
        refused = response.status_code == 403 or response.url == reverse("admin:index")
        assert refused, (name, response.status_code)
        assert fingerprint(tables) == before, name


def test_the_admins_actions_reach_only_records_in_scope(limburg):
    client, own, other = limburg
    response = client.post(
        reverse("admin:trajectories_worker_changelist"),
        {
            "action": "erase_personal_data",
            "confirm": "yes",
            ACTION_CHECKBOX_NAME: [other.worker_id, own.worker_id],
        },
    )
    assert response.status_code == 302
    assert Worker.objects.get(pk=own.worker_id).erased_at is not None
    assert Worker.objects.get(pk=other.worker_id).erased_at is None


def new_mandate_data(client, *provinces: Province) -> dict:
    data = form_page(client, "admin:mandates_mandate_add")
    data.update(
        project_number="99001",
        name="Doorstroom proef",
        call=Call.objects.first().pk,
        promoter=Organisation.objects.first().pk,
        promoter_as_written="Proef vzw",
        status="active",
        **{"working_area-TOTAL_FORMS": str(len(provinces))},
    )
    for i, province in enumerate(provinces):
        data[f"working_area-{i}-province"] = str(province.pk)
    return data


OTHERS_ROW = (
    "De rij van {} is van die provincie en blijft zoals ze is (u kunt enkel uw eigen provincie "
    "toevoegen of verwijderen)."
)
OTHER_ADDED = "U kunt enkel uw eigen provincie aan het werkgebied toevoegen, niet {}."


def working_area(mandate: Mandate) -> set[str]:
    return set(mandate.provinces.values_list("name", flat=True))


def inline_errors(response) -> list:
    assert response.status_code == 200, response.status_code
    return [
        error
        for inline in response.context["inline_admin_formsets"]
        for error in inline.formset.non_form_errors()
    ]


def test_a_new_mandate_keeps_the_provincial_users_province(limburg):
    client, _, _ = limburg
    url = reverse("admin:mandates_mandate_add")
    antwerpen, limburg_ = (Province.objects.get(name=n) for n in ("Antwerpen", "Limburg"))
    tables = admin_tables()
    before = fingerprint(tables)

    kept = "Uw eigen provincie moet in het werkgebied blijven."
    # Another province is that province's to add (it would see the mandate).
    for provinces, errors in [
        ((antwerpen,), [OTHER_ADDED.format("Antwerpen"), kept]),
        ((), [kept]),
        ((antwerpen, limburg_), [OTHER_ADDED.format("Antwerpen")]),
    ]:
        response = client.post(url, new_mandate_data(client, *provinces))
        assert inline_errors(response) == errors
    assert fingerprint(tables) == before

    response = client.post(url, new_mandate_data(client, limburg_))
    assert response.status_code == 302
    assert working_area(Mandate.objects.get(project_number=99001)) == {"Limburg"}


def test_a_changed_mandate_keeps_the_provincial_users_province(limburg):
    client, own, _ = limburg
    mandate = own.mandate
    url = reverse("admin:mandates_mandate_change", args=[mandate.pk])
    data = form_page(client, "admin:mandates_mandate_change", mandate.pk)
    limburg_ = Province.objects.get(name="Limburg")
    row = next(k for k, v in data.items() if k.endswith("-province") and v == str(limburg_.pk))
    tables = admin_tables()
    before = fingerprint(tables)

    antwerpen = Province.objects.get(name="Antwerpen")
    response = client.post(url, {**data, row: antwerpen.pk})
    assert inline_errors(response) == [
        OTHER_ADDED.format("Antwerpen"),
        "Uw eigen provincie moet in het werkgebied blijven.",
    ]
    assert fingerprint(tables) == before

    assert client.post(url, {**data, "province_basis": "nagekeken"}).status_code == 302


def test_a_save_that_leaves_the_scope_is_rolled_back_whatever_the_form(limburg, monkeypatch):
    """The last line of defence: were a form to let it through, the saved record is checked
    against visible_to and the whole save undone."""
    from mandates.admin import WorkingAreaFormSet

    monkeypatch.setattr(WorkingAreaFormSet, "clean", lambda self: None)
    client, _, _ = limburg
    tables = admin_tables()
    before = fingerprint(tables)
    antwerpen = Province.objects.get(name="Antwerpen")
    response = client.post(
        reverse("admin:mandates_mandate_add"), new_mandate_data(client, antwerpen)
    )
    assert response.status_code == 403
    assert fingerprint(tables) == before
    assert not Mandate.objects.filter(project_number=99001).exists()


@pytest.fixture
def shared(limburg):
    """Limburg's mandate working in Antwerpen too, its change page as Limburg staff see it."""
    client, own, _ = limburg
    mandate = own.mandate
    antwerpen = Province.objects.get(name="Antwerpen")
    MandateProvince.objects.create(mandate=mandate, province=antwerpen)
    data = form_page(client, "admin:mandates_mandate_change", mandate.pk)
    rows = {
        Province.objects.get(pk=v).name: k.removesuffix("-province")
        for k, v in data.items()
        if k.startswith("working_area-") and k.endswith("-province")
    }
    assert set(rows) == {"Limburg", "Antwerpen"}
    return client, mandate, data, rows


@pytest.mark.parametrize(
    "case", ["rewritten", "removed", "added", "own row rewritten"], ids=lambda case: case
)
def test_another_provinces_row_of_a_shared_mandate_stays_as_it_is(shared, case):
    """Limburg staff may neither rewrite nor remove Antwerpen's row, nor add another's."""
    client, mandate, data, rows = shared
    url = reverse("admin:mandates_mandate_change", args=[mandate.pk])
    west = str(Province.objects.get(name="West-Vlaanderen").pk)
    antwerpen, limburg_ = rows["Antwerpen"], rows["Limburg"]
    if case == "removed":
        # Their role may not delete a row at all (the box is not shown): were it given that
        # permission, the rule still holds.
        user = get_user_model().objects.get(username="limburg")
        user.user_permissions.add(Permission.objects.get(codename="delete_mandateprovince"))
    change, errors = {
        "rewritten": (
            {f"{antwerpen}-province": west},
            [OTHERS_ROW.format("Antwerpen"), OTHER_ADDED.format("West-Vlaanderen")],
        ),
        "removed": ({f"{antwerpen}-DELETE": "on"}, [OTHERS_ROW.format("Antwerpen")]),
        "added": (
            {
                "working_area-TOTAL_FORMS": "3",
                "working_area-2-province": west,
                "working_area-2-mandate": data[f"{antwerpen}-mandate"],
            },
            [OTHER_ADDED.format("West-Vlaanderen")],
        ),
        "own row rewritten": (
            {f"{limburg_}-province": west},
            [
                OTHER_ADDED.format("West-Vlaanderen"),
                "Uw eigen provincie moet in het werkgebied blijven.",
            ],
        ),
    }[case]
    tables = admin_tables()
    before = fingerprint(tables)

    response = client.post(url, {**data, **change})
    assert response.status_code == 200, ("saved", working_area(mandate))
    assert inline_errors(response) == errors
    assert fingerprint(tables) == before
    assert working_area(mandate) == {"Limburg", "Antwerpen"}


def test_a_shared_mandate_is_saved_with_the_other_provinces_row_as_it_is(shared):
    client, mandate, data, _ = shared
    url = reverse("admin:mandates_mandate_change", args=[mandate.pk])
    assert client.post(url, {**data, "province_basis": "nagekeken"}).status_code == 302
    assert working_area(mandate) == {"Limburg", "Antwerpen"}
