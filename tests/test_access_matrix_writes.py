"""The access matrix's writes: every admin add and change form x every role, with the ids of
another scope. Nothing is refused for the wrong reason and nothing written.

The cases are generated from the admin registry, so a new ModelAdmin or inline is in them the
day it is registered. For each role (every one a staff account here, so the admin's own checks
are tested, not only the staff flag) and each ModelAdmin: its add form, the change form of a
record the role may see and the change form of one it may not. Where the role may write the
form, every foreign-key or many-to-many field of the form and its inlines whose model is scoped
(has `visible_to`) is posted in turn with a record outside the role's scope: refused with an
error on that field. Where it may not, the valid form an administrator would post is refused
(403, or "does not exist"). Every refused POST leaves every admin table and audit event table
as it was; the unchanged change form of a record in scope is saved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, resolve, reverse

from doorstroom.admin_scope import ScopedAdminMixin
from doorstroom.roles import ROLE_PERMISSIONS, Role, granted
from mandates.models import Mandate, Organisation, Province
from tests.admin_posts import admin_tables, fingerprint, page_data
from tests.factories.mandates import OrganisationFactory
from trajectories.services import trajectory_start, worker_create


def test_every_admin_and_inline_writes_in_scope():
    """The guard: each ModelAdmin and inline takes the scoping mixin, unless only
    administrators (who see everything) may write its model (Django's and libraries' own)."""
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        for admin_class, written in [
            (type(model_admin), model),
            *((inline, inline.model) for inline in model_admin.inlines),
        ]:
            if issubclass(admin_class, ScopedAdminMixin):
                continue
            opts = written._meta
            writers = [
                role
                for role in ROLE_PERMISSIONS
                if role != Role.ADMINISTRATOR
                for action in ("add", "change", "delete")
                if granted(role, opts.app_label, opts.model_name, action)
            ]
            if writers:
                unscoped.append(f"{admin_class.__name__} ({opts.label}): {writers}")
    assert unscoped == []


@pytest.fixture
def staff(seed, make_user):
    """Every role as a staff account; two trajectories, one in Limburg and EMINO's."""
    for number in (7887, 6454):  # EMINO's in Limburg; Stad Gent's
        trajectory_start(
            worker=worker_create(first_name="Jan", last_name="Peeters"),
            mandate=Mandate.objects.get(project_number=number),
            origin_employer=OrganisationFactory(),
            start_date=dt.date(2024, 3, 4),
        )
    users = {
        "no-role": make_user("geen-rol", None, is_staff=True),
        "analyst": make_user("analist", Role.ANALYST, is_staff=True),
        "provider": make_user(
            "emino",
            Role.PROVIDER,
            organisation=Organisation.objects.get(name="EMINO"),
            is_staff=True,
        ),
        "provincial": make_user(
            "limburg", Role.PROVINCIAL, province=Province.objects.get(name="Limburg"), is_staff=True
        ),
        "editor": make_user("redactie", Role.EDITOR, is_staff=True),
        # The administrators' group (not a superuser): its permissions are what is tested.
        "administrator": make_user("beheer", Role.ADMINISTRATOR, is_staff=True),
        "finance": make_user("financien", Role.FINANCE, is_staff=True),
    }
    superuser = make_user("root", None, is_staff=True, is_superuser=True)
    assert Group.objects.get(name=Role.ADMINISTRATOR.value).permissions.exists()
    return users, superuser


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    request.resolver_match = resolve(reverse("admin:index"))
    return request


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def scoped_fields(response):
    """(form, prefix, name, model) of every choice field of the page over a scoped model."""
    forms_ = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_ += inline.formset.forms
    for form in forms_:
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and hasattr(field.queryset, "visible_to"):
                yield form, form.add_prefix(name), name, field.queryset.model


def outside(model, user):
    """A record of `model` the user may not see, if there is one."""
    visible = model._default_manager.visible_to(user).values("pk")
    return model._default_manager.exclude(pk__in=visible).first()


def error_on(response, form_prefix: str | None, name: str) -> bool:
    if response.status_code != 200 or "adminform" not in response.context:
        return False
    forms_ = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_ += inline.formset.forms
    return any(f.prefix == form_prefix and name in f.errors for f in forms_)


def targets(model_admin, request, root_request):
    """(label, URL) of the add form, a record in the role's scope and one outside it."""
    opts = model_admin.model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    yield "add", reverse(f"{prefix}_add")
    everything = model_admin.get_queryset(root_request)
    mine = model_admin.get_queryset(request)
    for label, obj in (
        ("change", mine.first()),
        ("change, out of scope", everything.exclude(pk__in=mine.values("pk")).first()),
    ):
        if obj is not None:
            try:
                yield label, reverse(f"{prefix}_change", args=[obj.pk])
            except NoReverseMatch:
                continue


def test_every_admin_form_refuses_another_scopes_ids_for_every_role(staff):
    users, superuser = staff
    root, root_request = logged_in(superuser), request_for(superuser)
    tables = admin_tables()
    failures, swapped, saved = [], set(), set()
    for model, model_admin in admin.site._registry.items():
        for role, user in users.items():
            client, request = logged_in(user), request_for(user)
            for label, url in targets(model_admin, request, root_request):
                case = f"{label} {model._meta.label} as {role}"
                page = client.get(url)
                may = "has_add_permission" if label == "add" else "has_change_permission"
                editable = page.status_code == 200 and page.context.get(may) is True
                if not editable:
                    # What an administrator would post here, valid as it is.
                    root_page = root.get(url)
                    data = page_data(root_page) if root_page.status_code == 200 else {}
                    before = fingerprint(tables)
                    response = client.post(url, data)
                    refused = response.status_code == 403 or (
                        response.status_code == 302 and not response.url.startswith(url)
                    )
                    if response.status_code == 302 and label == "add":
                        refused = False  # an add that redirects has saved
                    if not refused or fingerprint(tables) != before:
                        failures.append(f"{case}: not refused ({response.status_code})")
                    continue
                data = page_data(page)
                for form, key, name, related in scoped_fields(page):
                    other = outside(related, user)
                    if other is None:
                        continue  # this role sees every record of that model: no other scope
                    before = fingerprint(tables)
                    response = client.post(url, {**data, key: str(other.pk)})
                    swapped.add((model._meta.label, key, role))
                    if not error_on(response, form.prefix, name):
                        failures.append(f"{case}: {key}={other.pk} accepted")
                    if fingerprint(tables) != before:
                        failures.append(f"{case}: {key}={other.pk} wrote data")
                if label == "change":
                    # The page as it is saves: the refusals above are the scope's.
                    response = client.post(url, data)
                    if response.status_code == 302:
                        saved.add((model._meta.label, role))
                    else:
                        failures.append(f"{case}: the unchanged form was not saved")
    assert failures == [], "\n".join(failures)
    # The generator reaches the forms the issue was about (so it cannot pass by finding none).
    assert {
        ("trajectories.PhaseRecord", "trajectory", "provincial"),
        ("trajectories.Trajectory", "mandate", "provincial"),
        ("trajectories.Trajectory", "worker", "provincial"),
        ("trajectories.Trajectory", "phases-0-id", "provincial"),
    } <= swapped
    assert {("mandates.Mandate", "provincial"), ("trajectories.Trajectory", "editor")} <= saved
