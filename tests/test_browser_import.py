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


def test_upload_check_and_apply_a_file(page, staff, running_trajectory, tmp_path):
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
    assert page.get_by_role("button", name="Toepassen").is_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_load_state()
    record = PhaseRecord.objects.get(trajectory=running_trajectory, phase=1)
    assert record.end_date == dt.date(2024, 3, 29)


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
    assert "enkele seconden" in status.inner_text()
    assert button.is_disabled()
