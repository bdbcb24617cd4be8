"""Roles and scopes: each user sees only the records their role allows, by every route."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from doorstroom.exports import get_export
from doorstroom.roles import Role, role_of
from mandates.models import Mandate, Organisation, Province


def test_role_groups_exist_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_role_of_takes_the_widest_group(make_user):
    user = make_user("beide", Role.PROVIDER)
    user.groups.add(Group.objects.get(name=Role.EDITOR.value))
    assert role_of(user) == Role.EDITOR
    assert role_of(make_user("niemand", None)) is None


def listed(client, **params) -> set[int]:
    response = client.get(reverse("mandates:list"), {"per_page": 100, **params})
    return {row.record.project_number for row in response.context["table"].rows}


def exported(client, **params) -> set[int]:
    response = client.get(
        reverse("export-download", args=["mandates"]),
        {"format": "csv", "dialect": "rfc4180", **params},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {int(r[2]) for r in rows[1:]}


@pytest.fixture
def limburg_staff(make_user, seed):
    return make_user(
        "limburg", Role.PROVINCIAL, province=Province.objects.get(name="Limburg"), is_staff=True
    )


@pytest.fixture
def emino_user(make_user, seed):
    return make_user("emino", Role.PROVIDER, organisation=Organisation.objects.get(name="EMINO"))


def test_provincial_staff_see_only_their_province(client, limburg_staff):
    client.force_login(limburg_staff)
    limburg = set(
        Mandate.objects.filter(working_area__province__name="Limburg").values_list(
            "project_number", flat=True
        )
    )
    assert len(limburg) == 7
    assert listed(client) == limburg
    assert exported(client) == limburg
    assert client.get(reverse("mandates:detail", args=[6511])).status_code == 200
    assert client.get(reverse("mandates:detail", args=[6441])).status_code == 404
    response = client.get(reverse("admin:mandates_mandate_changelist"))
    assert {m.project_number for m in response.context["cl"].result_list} == limburg
    other = Mandate.objects.get(project_number=6441)
    assert client.get(reverse("admin:mandates_mandate_change", args=[other.pk])).status_code == 302


def test_provider_users_see_only_their_organisations_mandates(client, emino_user):
    client.force_login(emino_user)
    assert listed(client) == {7887, 7889}
    assert exported(client) == {7887, 7889}
    # Filtering on another promoter cannot widen the scope, and its name is not offered.
    other = Mandate.objects.get(project_number=6441).promoter
    response = client.get(reverse("mandates:list"), {"promoter": other.pk})
    assert response.context["filter"].errors
    assert other.name not in response.content.decode()
    assert client.get(reverse("mandates:detail", args=[6441])).status_code == 404


def test_a_user_without_a_role_sees_nothing(client, make_user, seed):
    client.force_login(make_user("zonder-rol", None))
    for url in (reverse("mandates:list"), reverse("export-download", args=["mandates"])):
        response = client.get(url)
        assert response.status_code == 403
        assert "6441" not in response.content.decode()
    assert "nog geen rol" in client.get(reverse("pilots:list")).content.decode()
    # And the scoping method itself gives nothing, should a path ever skip the middleware.
    assert not Mandate.objects.visible_to(make_user("ook-zonder-rol", None)).exists()


def test_export_class_scopes_by_user_but_the_command_line_sees_all(emino_user):
    rows = list(get_export("mandates")({}, user=emino_user).rows())
    assert {r[2] for r in rows} == {7887, 7889}
    assert len(list(get_export("mandates")({}).rows())) == 43
