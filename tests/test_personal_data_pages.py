"""Pages about workers: logged, never kept in the browser's cache; a rejected import keeps its
report."""

import pytest
from django.urls import reverse

from doorstroom.models import PersonalDataAccess
from tests.factories.import_files import csv_file, started
from trajectories.imports import import_batch_apply, import_batch_check
from trajectories.models import ImportStatus


def test_the_worker_admin_list_is_in_the_access_log_without_its_search_term(
    seed, admin_client_, staff_user
):
    started()
    url = reverse("admin:trajectories_worker_changelist")
    assert admin_client_.get(url, {"q": "Wouters", "erased_at__isnull": "True"}).status_code == 200
    entry = PersonalDataAccess.objects.get(user=staff_user)
    assert entry.action == PersonalDataAccess.Action.VIEW
    assert entry.subject == f"{url}?erased_at__isnull=True (zoekopdracht)"
    assert "Wouters" not in entry.subject  # a name searched for is personal data itself


@pytest.mark.parametrize(
    ("source", "term"),
    [
        ("app_label=trajectories&model_name=trajectory&field_name=worker", "Wouters"),
        ("app_label=trajectories&model_name=trajectory&field_name=worker", "85073003328"),
        # A trajectory is shown by its worker's reference and found by it.
        ("app_label=trajectories&model_name=phaserecord&field_name=trajectory", "reference"),
    ],
    ids=["worker by name", "worker by INSZ", "trajectory"],
)
def test_the_admin_autocomplete_of_workers_is_in_the_access_log_without_its_term(
    seed, admin_client_, staff_user, source, term
):
    trajectory = started(insz="85073003328")
    term = trajectory.worker.reference if term == "reference" else term
    url = reverse("admin:autocomplete")
    response = admin_client_.get(f"{url}?{source}&term={term}")
    assert response.status_code == 200
    assert response.json()["results"]  # it did find the worker
    entry = PersonalDataAccess.objects.get(user=staff_user)
    assert entry.action == PersonalDataAccess.Action.VIEW
    assert entry.subject == f"{url}?{source} (zoekopdracht)"
    assert term not in entry.subject


def test_the_admin_autocomplete_refuses_a_reverse_relation(seed, admin_client_):
    """Django takes one as the source field too, reaches the trajectories and fails (500)."""
    trajectory = started()
    source = "app_label=mandates&model_name=mandate&field_name=trajectories"
    url = reverse("admin:autocomplete")
    response = admin_client_.get(f"{url}?{source}&term={trajectory.worker.reference}")
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_admin_autocomplete_of_other_records_is_not_logged(seed, admin_client_):
    url = reverse("admin:autocomplete")
    source = "app_label=trajectories&model_name=trajectory&field_name=mandate"
    assert admin_client_.get(f"{url}?{source}&term=Doorstroom").json()["results"]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        lambda t: reverse("trajectories:list"),
        lambda t: reverse("trajectories:detail", args=[t.pk]),
        lambda t: reverse("trajectories:deadlines"),
        lambda t: reverse("admin:trajectories_worker_changelist"),
        lambda t: reverse("admin:trajectories_worker_change", args=[t.worker.pk]),
        lambda t: reverse("export-download", args=["trajectories"]) + "?format=csv",
        lambda t: reverse("export-download", args=["trajectory-phases"]) + "?format=xlsx",
    ],
    ids=["list", "detail", "deadlines", "admin list", "admin worker", "CSV", "XLSX"],
)
def test_pages_and_files_showing_workers_are_not_stored_by_the_browser(seed, admin_client_, page):
    trajectory = started()
    response = admin_client_.get(page(trajectory))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_import_preview_is_not_stored_by_the_browser(seed, admin_client_, staff_user):
    trajectory = started()
    rows = [[trajectory.worker.reference, trajectory.mandate.project_number, "Voortraject"]]
    batch = import_batch_check(user=staff_user, data=csv_file(rows), file_name="f.csv")
    response = admin_client_.get(batch.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_applying_a_rejected_batch_leaves_its_report(seed, editor, client):
    batch = import_batch_check(user=editor, data=b"geen;kolommen\r\n", file_name="f.csv")
    assert batch.status == ImportStatus.REJECTED
    report = batch.report
    assert "Kolom(men) ontbreken" in report["file_errors"][0]["nl-be"]  # stored in each language
    batch = import_batch_apply(batch=batch, user=editor)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert batch.report == report  # not "Het bestand is leeg." (its file is not kept)
    # And through the page's button.
    client.force_login(editor)
    client.post(batch.get_absolute_url())
    batch.refresh_from_db()
    assert batch.report == report
