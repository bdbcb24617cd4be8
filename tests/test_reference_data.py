"""National reference data is written only by administrators and editors.

The issue's example: provincial staff set a health index month to 199.99 and it was saved.
The health index, fee schedules, calls, provinces and organisations: provincial staff may view
them, never add, change or delete them; editors may. Databases migrated before lose the old
permissions at their next migrate. The README's role table is the permissions' own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from doorstroom.management.commands.roles_table import END, README, START, roles_table
from doorstroom.roles import Role
from mandates.models import Call, Organisation, OrganisationAlias, Province
from tests.admin_posts import admin_tables, fingerprint, page_data
from trajectories.models import FeeSchedule, FeeSchedulePhase, HealthIndexMonth

REFERENCE = [HealthIndexMonth, FeeSchedule, FeeSchedulePhase, Call, Province, Organisation]


@pytest.fixture
def clients(seed, make_user):
    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    limburg = Province.objects.get(name="Limburg")
    return (
        logged_in(make_user("limburg", Role.PROVINCIAL, province=limburg, is_staff=True)),
        logged_in(make_user("redactie", Role.EDITOR, is_staff=True)),
    )


def test_provincial_staff_cannot_set_the_health_index(clients):
    provincial, editor = clients
    month = HealthIndexMonth.objects.order_by("month").last()
    url = reverse("admin:trajectories_healthindexmonth_change", args=[month.pk])
    data = {**page_data(editor.get(url)), "value": "199.99"}

    page = provincial.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert provincial.post(url, data).status_code == 403
    month.refresh_from_db()
    assert month.value != Decimal("199.99")

    assert editor.post(url, data).status_code == 302
    month.refresh_from_db()
    assert month.value == Decimal("199.99")


@pytest.mark.parametrize(
    "model", [HealthIndexMonth, FeeSchedule, Call, Province, Organisation], ids=lambda m: m.__name__
)
def test_provincial_staff_view_reference_data_but_never_write_it(clients, model):
    provincial, editor = clients
    obj = model._default_manager.first()
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    change = reverse(f"{prefix}_change", args=[obj.pk])
    data = page_data(editor.get(change))
    tables = admin_tables()
    before = fingerprint(tables)

    assert provincial.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert provincial.get(change).status_code == 200  # read-only
    for url, posted in (
        (change, data),
        (reverse(f"{prefix}_add"), data),
        (reverse(f"{prefix}_delete", args=[obj.pk]), {"post": "yes"}),
    ):
        assert provincial.post(url, posted).status_code == 403, url
    assert fingerprint(tables) == before

    # Editors may (the unchanged form saves).
    assert editor.post(change, data).status_code == 302


def provincial_permissions() -> set[str]:
    group = Group.objects.get(name=Role.PROVINCIAL.value)
    return set(group.permissions.values_list("codename", flat=True))


def test_an_existing_database_loses_the_old_permissions_at_its_next_migrate(transactional_db):
    # migrate reconnects as the owner, which it cannot do inside a test transaction.
    group = Group.objects.get(name=Role.PROVINCIAL.value)
    # What the provincial group held before: change on every model of both apps.
    old = Permission.objects.filter(
        content_type__app_label__in=["mandates", "trajectories"], codename__startswith="change_"
    )
    group.permissions.add(*old)
    assert "change_healthindexmonth" in provincial_permissions()

    call_command("migrate", verbosity=0)

    held = provincial_permissions()
    for model in [*REFERENCE, OrganisationAlias]:
        for action in ("add", "change", "delete"):
            assert f"{action}_{model._meta.model_name}" not in held
        assert f"view_{model._meta.model_name}" in held
    assert {"change_mandate", "change_trajectory", "change_phaserecord"} <= held


def test_the_readme_table_is_generated_from_the_permissions():
    text = README.read_text()
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == roles_table(), "run: manage.py roles_table --write"
    rows = {line.split(" | ")[0]: line for line in table.splitlines()}
    index = rows["| health index month (`trajectories.HealthIndexMonth`)"]
    # model | administrator | editor | analyst | provincial | provider | finance
    assert index.split(" | ")[1:] == [
        "view, add, change, delete",
        "view, add, change, delete",
        "—",
        "view",
        "view",
        "— |",
    ]
