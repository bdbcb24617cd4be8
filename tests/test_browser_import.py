"""The import as a person uses it: upload, see it checked, apply; busy while it works."""

import datetime as dt

import pytest

from mandates.models import Mandate
from tests.browser_support import accessibility_violations, log_in
from tests.factories.mandates import OrganisationFactory
from trajectories.models import PhaseRecord
from trajectories.services import trajectory_start, worker_create

pytestmark = pytest.mark.browser


@pytest.fixture
def running_trajectory(seeded):
    return trajectory_start(
        worker=worker_create(first_name="Lien", last_name="Claes"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 3, 4),
    )


def test_upload_check_and_apply_a_file(page, staff, running_trajectory, tmp_path, workers):
    """A worker checks and applies the file; the page follows its progress by itself."""
    workers.start()
    reference = running_trajectory.worker.reference
    path = tmp_path / "voortgang.csv"
    path.write_text(
        "Referentie werknemer;Projectnummer;Fase;Startdatum;Einddatum;Uren\r\n"
        f"{reference};7887;Voortraject;04/03/2024;29/03/2024;14\r\n",
        encoding="utf-8",
    )
    log_in(page)
    page.goto(page.base_url + "/trajecten/import/")
    assert accessibility_violations(page) == []
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Bestand controleren").click()
    page.wait_for_load_state()
    # The progress bar until the job is done, then the report (the script reloads the page).
    apply = page.get_by_role("button", name="Toepassen")
    apply.wait_for(state="visible", timeout=60_000)
    assert page.locator("progress").count() == 0
    assert accessibility_violations(page) == []
    apply.click()
    page.wait_for_load_state()
    page.get_by_text("Het bestand is toegepast.").wait_for(timeout=60_000)
    record = PhaseRecord.objects.get(trajectory=running_trajectory, phase=1)
    assert record.end_date == dt.date(2024, 3, 29)


def test_the_progress_bar_follows_a_job_without_inline_script(page, staff, seeded):
    """The bar is filled by the static script from the job's status (no worker here: the job
    stays queued, and its figures are set as a worker would)."""
    from django.contrib.auth import get_user_model

    from doorstroom.jobs.models import Job, JobStatus
    from trajectories import tasks

    user = get_user_model().objects.get(username="medewerker")
    batch = tasks.import_batch_queue_check(user=user, data=b"x", file_name="f.csv")
    log_in(page)
    page.goto(page.base_url + batch.get_absolute_url())
    bar = page.locator("progress")
    assert bar.get_attribute("value") == "0"
    Job.objects.filter(pk=batch.job_id).update(status=JobStatus.RUNNING, done=30, total=120)
    page.wait_for_function("() => document.querySelector('progress').value === 25")
    assert "30 / 120" in page.locator("[data-job-count]").inner_text()
    assert accessibility_violations(page) == []


def test_checking_a_file_says_it_is_busy_and_cannot_be_sent_twice(
    page, staff, running_trajectory, tmp_path
):
    path = tmp_path / "voortgang.csv"
    path.write_text("Referentie werknemer;Projectnummer;Fase\r\n", encoding="utf-8")
    log_in(page)
    page.goto(page.base_url + "/trajecten/import/")
    # Keep the browser on the page (as while the server works) to see what it shows meanwhile.
    page.evaluate(
        "() => document.querySelector('form[data-busy-message]')"
        ".addEventListener('submit', (event) => event.preventDefault(), {capture: true})"
    )
    page.locator("input[type=file]").set_input_files(path)
    button = page.get_by_role("button", name="Bestand controleren")
    button.click()
    status = page.locator("[data-busy-status]")
    status.wait_for(state="visible")
    assert "even geduld" in status.inner_text()
    assert button.is_disabled()
