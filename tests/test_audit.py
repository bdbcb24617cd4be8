"""The audit trail records every change, including bulk ones, with who and before/after."""

from django.db import connection
from django.urls import reverse

from doorstroom.audit import history_for
from mandates.models import Mandate, MandateEvent, Province


def diffs(obj) -> list[dict]:
    return [e.pgh_diff for e in history_for(obj) if e.pgh_diff]


def test_queryset_update_is_recorded_with_before_and_after(seed):
    Mandate.objects.filter(call__number=390).update(name="Hernoemd in bulk")
    mandate = Mandate.objects.get(project_number=6729)
    (latest, *_rest) = history_for(mandate)
    assert latest.pgh_label == "update"
    assert latest.pgh_diff["name"] == ["Doorstroom LDE Vlaams-Brabant", "Hernoemd in bulk"]


def test_bulk_create_and_delete_are_recorded(seed):
    call = Mandate.objects.get(project_number=6441).call
    promoter = Mandate.objects.get(project_number=6441).promoter
    (created,) = Mandate.objects.bulk_create(
        [
            Mandate(
                project_number=1,
                name="Nieuw",
                call=call,
                promoter=promoter,
                promoter_as_written="x",
            )
        ]
    )
    Mandate.objects.filter(pk=created.pk).delete()
    labels = list(
        MandateEvent.objects.filter(pgh_obj_id=created.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]


def test_raw_sql_cannot_bypass_the_trail(seed):
    mandate = Mandate.objects.get(project_number=6441)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mandates_mandate SET status = 'ended' WHERE id = %s", [mandate.pk])
    assert diffs(mandate)[0]["status"] == ["active", "ended"]


def test_admin_change_records_who_and_shows_in_history(admin_client_, staff_user, seed):
    mandate = Mandate.objects.get(project_number=6441)
    url = reverse("admin:mandates_mandate_change", args=[mandate.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "Buurtservice vzw (gecorrigeerd)",
            "working_area-TOTAL_FORMS": "1",
            "working_area-INITIAL_FORMS": "0",
            "working_area-0-province": Province.objects.get(name="Antwerpen").pk,
            "partnerships-TOTAL_FORMS": "0",
            "partnerships-INITIAL_FORMS": "0",
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = next(e for e in history_for(mandate) if e.pgh_diff and "name" in e.pgh_diff)
    assert str(latest.pgh_context["user"]) == str(staff_user.pk)

    history = admin_client_.get(reverse("admin:mandates_mandate_history", args=[mandate.pk]))
    body = history.content.decode()
    assert "Buurtservice vzw (gecorrigeerd)" in body
    assert staff_user.username in body
    # The working area change is part of the mandate's history.
    assert "mandates.MandateProvinceEvent" in {
        e.pgh_model
        for e in history_for(mandate, related_event_models=("mandates.MandateProvinceEvent",))
    }
