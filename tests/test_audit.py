"""The audit trail records every change, including bulk ones, with who and before/after."""

import datetime as dt

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from doorstroom.audit import history_for
from mandates.models import Call, Mandate, MandateEvent, MandateProvince, Province
from tests.factories.trajectories import PhaseRecordFactory, TrajectoryFactory


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


def history_page(client, admin_name: str, obj) -> str:
    response = client.get(reverse(f"admin:{admin_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_history_shows_field_labels_and_values_as_users_know_them(admin_client_, seed):
    mandate = Mandate.objects.get(project_number=6441)
    other_call = Call.objects.exclude(pk=mandate.call_id).get(number=390)
    Mandate.objects.filter(pk=mandate.pk).update(
        province_basis="projectnaam", call=other_call, status="ended", end_date="2020-06-30"
    )
    body = history_page(admin_client_, "mandates_mandate", mandate)
    # Labels, not column names.
    assert "province_basis" not in body and "call_id" not in body and "end_date" not in body
    assert "Grond voor de provincie: — → projectnaam" in body
    # The call by its name, the status by its label, the date in Belgian format.
    assert f"ESF-oproep: {mandate.call} → {other_call}" in body
    assert "Status: actief → beëindigd" in body
    assert "Einddatum: — → 30/06/2020" in body
    # The time stamps the application keeps are no change a reader made.
    assert "updated_at" not in body and "Bijgewerkt" not in body


def test_history_time_is_local_in_belgian_format(admin_client_, seed):
    mandate = Mandate.objects.get(project_number=6441)
    Mandate.objects.filter(pk=mandate.pk).update(name="Nieuwe naam")
    event = MandateEvent.objects.filter(pgh_obj=mandate).latest("pgh_id")
    local = timezone.localtime(event.pgh_created_at)
    body = history_page(admin_client_, "mandates_mandate", mandate)
    assert f"{local:%d/%m/%Y %H:%M:%S}" in body
    assert event.pgh_created_at.isoformat()[:16] not in body


def test_history_says_which_province_was_added_to_or_removed_from_the_working_area(
    admin_client_, seed
):
    mandate = Mandate.objects.get(project_number=6441)
    added = MandateProvince.objects.create(
        mandate=mandate, province=Province.objects.get(name="Limburg")
    )
    added.delete()
    body = history_page(admin_client_, "mandates_mandate", mandate)
    assert body.count("Provincie: Limburg") == 2
    assert "Provincie van het werkgebied toegevoegd" in body
    assert "Provincie van het werkgebied verwijderd" in body


def test_trajectory_history_includes_its_phases(admin_client_):
    trajectory = TrajectoryFactory()
    PhaseRecordFactory(trajectory=trajectory, start_date=dt.date(2019, 3, 4), max_months=1)
    body = history_page(admin_client_, "trajectories_trajectory", trajectory)
    assert "Fase toegevoegd" in body
    assert "Fase: Voortraject" in body and "Begindatum: 04/03/2019" in body


def test_history_in_english(admin_client_, seed):
    mandate = Mandate.objects.get(project_number=6441)
    Mandate.objects.filter(pk=mandate.pk).update(status="ended")
    response = admin_client_.get(
        reverse("admin:mandates_mandate_history", args=[mandate.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "History: " in body and "Geschiedenis" not in body
    assert "Status: active → ended" in body and "Changed" in body
