"""One optimistic lock on every model staff edit (doorstroom.concurrency).

For each model: open its admin change form, let someone else save the row behind it, submit the
stale form: it is refused with the trajectory's message and the other save survives. Reopened,
the very same form saves, so the refusal is the lock and nothing else.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from doorstroom.concurrency import STALE_MESSAGE, is_versioned
from mandates.models import Mandate
from tests.admin_forms import change_form_data
from tests.factories.mandates import OrganisationFactory
from trajectories.models import Trajectory
from trajectories.services import trajectory_outcome_record, trajectory_start, worker_create

PROJECT_APPS = {"auth", "doorstroom", "mandates", "pilots", "trajectories", "questions", "payments"}


def a_worker():
    return worker_create(first_name="Els", last_name="Wouters")


def a_trajectory():
    return trajectory_start(
        worker=a_worker(),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2019, 3, 4),
    )


def a_phase():
    return a_trajectory().phases.get()


def a_budget():
    from payments.models import MandateBudget

    mandate = Mandate.objects.get(project_number=7887)
    return MandateBudget.objects.create(
        mandate=mandate, amount=Decimal("80000"), max_trajectories=20
    )


def a_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="collega", first_name="Els")


# model, the field someone else changes meanwhile and its new value, how to get a row (else the
# first of the seed data).
CASES = [
    ("mandates.Mandate", "name", "Doorstroom Limburg (hernoemd)", None),
    ("mandates.Organisation", "municipality", "Hasselt", None),
    ("mandates.Call", "title", "Doorstroom LDE (gewijzigd)", None),
    ("mandates.Province", "name", "Limburg (gewijzigd)", None),
    ("trajectories.Worker", "first_name", "Elisa", a_worker),
    ("trajectories.FeeSchedule", "notes", "Basismaand bevestigd.", None),
    ("trajectories.HealthIndexMonth", "value", Decimal("199.99"), None),
    ("trajectories.Trajectory", "stop_reason", "Nog niets", a_trajectory),
    ("trajectories.PhaseRecord", "hours", Decimal("12.50"), a_phase),
    ("pilots.Sector", "name", "Zorg (gewijzigd)", None),
    ("pilots.Assignment", "title", "Opdracht (gewijzigd)", None),
    ("pilots.Pilot", "outcome_notes", "Twee stages.", None),
    ("pilots.ReportedResult", "description", "Gewijzigd verslag.", None),
    ("pilots.CareEngagement", "notes", "Gewijzigd.", None),
    ("questions.ParliamentaryQuestion", "subject", "Doorstroom (gewijzigd)", None),
    ("questions.SubQuestion", "text", "Gewijzigde vraag?", None),
    ("payments.DocumentKind", "name", "Stagecontract", None),
    ("payments.EvidenceRequirement", "phase", 4, None),
    ("payments.DeductionReason", "label", "Dubbel gevorderd", None),
    ("payments.MandateBudget", "amount", Decimal("90000.00"), a_budget),
    # Django's own: their version is kept beside them (doorstroom.AccountVersion).
    ("auth.User", "first_name", "Elisa", a_user),
    ("auth.Group", "name", "Redactie (hernoemd)", None),
]


@pytest.mark.parametrize(("label", "field", "value", "make"), CASES, ids=[c[0] for c in CASES])
def test_a_stale_admin_form_is_refused_and_the_other_save_survives(
    admin_client_, seed, label, field, value, make
):
    model = apps.get_model(label)
    obj = make() if make else model.objects.order_by("pk").first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    stale = change_form_data(admin_client_.get(url))

    model.objects.filter(pk=obj.pk).update(**{field: value})  # someone else saves meanwhile

    response = admin_client_.post(url, stale)
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in response.content.decode()
    assert getattr(model.objects.get(pk=obj.pk), field) == value

    # Reopened, the same form (now holding the other's value) is saved.
    fresh = change_form_data(admin_client_.get(url))
    response = admin_client_.post(url, fresh)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        *[i.formset.errors for i in response.context["inline_admin_formsets"]],
    ]
    assert getattr(model.objects.get(pk=obj.pk), field) == value


def test_a_stale_inline_row_is_refused_too(admin_client_, seed):
    """A subquestion is edited in its own admin and inline under its question."""
    question = apps.get_model("questions.ParliamentaryQuestion").objects.first()
    url = reverse("admin:questions_parliamentaryquestion_change", args=[question.pk])
    stale = change_form_data(admin_client_.get(url))
    subquestion = question.subquestions.order_by("pk").first()
    type(subquestion).objects.filter(pk=subquestion.pk).update(text="Elders gewijzigd?")
    response = admin_client_.post(url, stale)
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in response.content.decode()
    subquestion.refresh_from_db()
    assert subquestion.text == "Elders gewijzigd?"


@pytest.mark.django_db
def test_every_model_staff_edit_in_the_admin_carries_the_lock(staff_user):
    """A model added to the admin later gets the lock or fails here."""
    request = RequestFactory().get("/")
    request.user = staff_user
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue  # django-axes, pghistory: records nobody edits
        if not model_admin.has_change_permission(request):
            continue  # read-only records (answer packs, the personal-data access log)
        assert is_versioned(model), model._meta.label
        form = model_admin.get_form(request, model.objects.first())
        assert "seen_version" in form.base_fields, model._meta.label
        for inline in model_admin.get_inline_instances(request):
            if is_versioned(inline.model):
                assert "seen_version" in inline.get_formset(request).form.base_fields


def test_a_role_given_meanwhile_makes_a_user_form_stale(admin_client_, seed):
    """A change of a user's groups or scope is a change of the user: the stale form, which
    would take the role away again, is refused."""
    from django.contrib.auth.models import Group

    user = a_user()
    url = reverse("admin:auth_user_change", args=[user.pk])
    stale = change_form_data(admin_client_.get(url))
    user.groups.add(Group.objects.order_by("pk").first())  # someone else, meanwhile
    response = admin_client_.post(url, stale)
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in response.content.decode()
    assert user.groups.count() == 1


def test_a_stale_form_on_the_trajectory_page_is_refused(logged_in_client, seed):
    """The application's own forms (record progress) carry the same lock."""
    trajectory = a_trajectory()
    page = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    seen = re.search(r'name="outcome-seen_version" value="(\d+)"', page).group(1)
    assert 'name="complete-seen_version"' in page  # every form on the page has it

    trajectory_outcome_record(trajectory=trajectory, outcome="nee")  # someone else, meanwhile

    url = reverse("trajectories:outcome", args=[trajectory.pk])
    response = logged_in_client.post(url, {"outcome-seen_version": seen, "outcome-outcome": "ja"})
    assert response.status_code == 400
    assert str(STALE_MESSAGE) in response.content.decode()
    assert Trajectory.objects.get(pk=trajectory.pk).outcome == "nee"

    page = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    seen = re.search(r'name="outcome-seen_version" value="(\d+)"', page).group(1)
    response = logged_in_client.post(url, {"outcome-seen_version": seen, "outcome-outcome": "ja"})
    assert response.status_code == 302
    assert Trajectory.objects.get(pk=trajectory.pk).outcome == "ja"
