"""A large XLSX export is written by a worker: the page shows its progress, then offers the file
to whoever asked for it, with their filters, their scope and their language; the file is removed
after a while. Small ones and every CSV are written at once."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from doorstroom.exports import export_bytes, get_export
from doorstroom.jobs.models import Job, JobStatus
from doorstroom.jobs.services import job_cancel
from doorstroom.roles import Role
from doorstroom.tasks import remove_old_job_files
from mandates.models import Mandate, Province
from tests import job_worker
from tests.job_worker import run_queued_jobs

URL = "/exports/mandates/"


@pytest.fixture
def long_from_ten(settings):
    settings.EXPORT_XLSX_JOB_ROWS = 10


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].values)


def test_a_long_xlsx_is_written_by_a_worker_with_the_filters_asked(
    seed, logged_in_client, user, settings
):
    settings.EXPORT_XLSX_JOB_ROWS = 3
    response = logged_in_client.get(URL, {"format": "xlsx", "province": "Antwerpen"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job-file", args=[job.pk])
    assert job.kind == "export-xlsx" and job.created_by == user
    assert job.parameters == {
        "export": "mandates",
        "filters": {"province": "Antwerpen"},
        "language": "nl-be",
    }
    page = logged_in_client.get(response.url).content.decode()
    assert reverse("job-status", args=[job.pk]) in page  # the progress bar, polled
    assert "in de achtergrond" in page and "Downloaden" not in page

    assert run_queued_jobs() == 1
    job.refresh_from_db()
    expected = Mandate.objects.filter(provinces__name="Antwerpen").count()
    assert expected > 3
    # Its progress is written on a connection of its own, which does not see this test's
    # transaction (tests/test_jobs_worker.py follows it with a real worker); its rows are kept.
    assert job.status == JobStatus.DONE and job.parameters["rows"] == expected
    page = logged_in_client.get(reverse("job-file", args=[job.pk])).content.decode()
    assert f"{expected} rijen" in page and "data-job-status-url" not in page
    response = logged_in_client.get(reverse("job-file-download", args=[job.pk]))
    name = get_export("mandates")({"province": "Antwerpen"}).filename("xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
    # The same workbook as one written at once with the same filters.
    at_once = export_bytes(get_export("mandates")({"province": "Antwerpen"}), "xlsx")
    assert sheet_rows(response.content) == sheet_rows(at_once)
    assert len(sheet_rows(response.content)) == expected + 1


def test_a_short_xlsx_and_every_csv_are_written_at_once(seed, logged_in_client, settings):
    settings.EXPORT_XLSX_JOB_ROWS = Mandate.objects.count()
    response = logged_in_client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    settings.EXPORT_XLSX_JOB_ROWS = 10
    response = logged_in_client.get(URL, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    # Aggregates are never long: no queryset to count.
    response = logged_in_client.get("/exports/trajectory-stats/", {"format": "xlsx"})
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_the_file_is_in_the_language_and_scope_of_whoever_asked(seed, client, make_user, settings):
    limburg = Province.objects.get(name="Limburg")
    provincial = make_user("provincie", Role.PROVINCIAL, province=limburg)
    with translation.override("en"):
        at_once = sheet_rows(export_bytes(get_export("mandates")({}, user=provincial), "xlsx"))
    assert 2 < len(at_once) - 1 < Mandate.objects.count()  # scoped, and more than a few
    settings.EXPORT_XLSX_JOB_ROWS = 2
    client.force_login(provincial)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(URL, {"format": "xlsx"}).status_code == 302
    assert run_queued_jobs() == 1
    job = Job.objects.get()
    assert job.parameters["language"] == "en"
    rows = sheet_rows(client.get(reverse("job-file-download", args=[job.pk])).content)
    assert rows[0][:3] == ("Call", "Call title", "Project number")
    assert rows == at_once


def test_only_whoever_asked_sees_the_job_and_its_file(
    seed, logged_in_client, make_user, client, long_from_ten
):
    logged_in_client.get(URL, {"format": "xlsx"})
    run_queued_jobs()
    job = Job.objects.get()
    logged_in_client.logout()
    other = make_user("collega", Role.EDITOR)
    client.force_login(other)
    assert client.get(reverse("job-file", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-file-download", args=[job.pk])).status_code == 404


def test_a_cancelled_export_writes_nothing(seed, logged_in_client, long_from_ten):
    logged_in_client.get(URL, {"format": "xlsx"})
    job = Job.objects.get()
    job_cancel(job=job)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.result is None
    page = logged_in_client.get(reverse("job-file", args=[job.pk])).content.decode()
    assert "geannuleerd" in page
    assert logged_in_client.get(reverse("job-file-download", args=[job.pk])).status_code == 404


def test_files_are_removed_after_the_days_kept_and_the_page_says_so(
    seed, logged_in_client, long_from_ten, settings
):
    settings.JOBS_RESULT_DAYS = 7
    for _ in range(2):
        logged_in_client.get(URL, {"format": "xlsx"})
    run_queued_jobs()
    old, new = Job.objects.order_by("pk")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert remove_old_job_files(timestamp=0) == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.result is None and old.result_name == "" and new.result is not None
    page = logged_in_client.get(reverse("job-file", args=[old.pk])).content.decode()
    assert "7 dagen nadat het gemaakt was verwijderd" in page and reverse("exports") in page
    assert logged_in_client.get(reverse("job-file-download", args=[old.pk])).status_code == 404


def test_a_real_worker_writes_the_file_and_its_progress(seed, editor, client, workers, settings):
    """Through a worker in a process of its own (procrastinate, on the test database): the
    progress it writes is what the page polls."""
    settings.EXPORT_XLSX_JOB_ROWS = 3
    workers.start()
    client.force_login(editor)
    response = client.get(URL, {"format": "xlsx"})
    job = Job.objects.get()
    assert response.url == reverse("job-file", args=[job.pk])
    job_worker.wait_for(
        lambda: Job.objects.get().status == JobStatus.DONE, seconds=60, what="the worker writes"
    )
    job = Job.objects.get()
    assert job.done == job.total == job.parameters["rows"] == Mandate.objects.count()
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert (status["active"], status["percent"]) == (False, 100)
    rows = sheet_rows(client.get(reverse("job-file-download", args=[job.pk])).content)
    assert rows == sheet_rows(export_bytes(get_export("mandates")({}), "xlsx"))
