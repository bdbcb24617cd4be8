"""The dashboard and the trajectory forms as a person uses them, in headless Chromium."""

import csv
import datetime as dt
import io
import re

import pytest

from mandates.models import Mandate
from tests.browser_support import accessibility_violations, log_in
from tests.factories.mandates import OrganisationFactory
from trajectories.models import Trajectory
from trajectories.services import trajectory_start, worker_create

pytestmark = pytest.mark.browser


def start(mandate_number: int, start_date=dt.date(2024, 1, 8)) -> Trajectory:
    worker = worker_create(first_name="Sofie", last_name="Verbeke")
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=mandate_number),
        origin_employer=OrganisationFactory(),
        start_date=start_date,
    )


@pytest.fixture
def trajectories(seeded):
    """Six running Voortrajecten (so no count is suppressed) and six in call 366."""
    return [start(7887) for _ in range(6)] + [start(6441) for _ in range(6)]


def table_cells(page, table_id: str) -> list[list[str]]:
    rows = page.locator(f"#{table_id} tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def phase_row(page, phase: str) -> list[str]:
    return next(row for row in table_cells(page, "dashboard-phases-table") if row[0] == phase)


def test_record_a_phase_and_see_the_dashboard_change(page, staff, trajectories):
    log_in(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"  # the landing page
    assert phase_row(page, "Voortraject")[1:] == ["12", "0", "0", "12"]
    assert phase_row(page, "Job matching")[1:] == ["0", "0", "0", "0"]

    page.goto(page.base_url + trajectories[0].get_absolute_url())
    page.get_by_label("Einddatum").fill("05/02/2024")
    page.get_by_label("Uren", exact=False).first.fill("14,5")
    page.get_by_role("button", name="Fase afronden").click()
    page.wait_for_load_state()
    assert page.get_by_text(re.compile(r"Fase Voortraject afgerond op 05/02/2024")).is_visible()

    page.get_by_label("Startdatum").fill("06/02/2024")
    page.get_by_role("button", name="Fase starten").click()
    page.wait_for_load_state()
    assert page.get_by_text("Fase Job matching gestart op 06/02/2024.").is_visible()

    page.goto(page.base_url + "/")
    # 11 Voortrajecten and 1 Job matching of 12: the 11 would give the 1 away (12 - 11), so it
    # is hidden as "x"; the totals and the zeros stay.
    assert phase_row(page, "Voortraject")[1:] == ["x", "0", "0", "x"]
    job_matching = phase_row(page, "Job matching")[1:]
    # The 1 is "<5"; cells hidden so that it cannot be worked out from the others show "x".
    assert job_matching[0] == "<5" and job_matching[-1] == "<5"
    assert set(job_matching[1:-1]) <= {"0", "x"}
    fees = table_cells(page, "dashboard-fees-paid-table")
    # The amounts beside a hidden count are hidden with it (one Voortraject's fee otherwise).
    assert fees[0][0] == "2024 K1" and fees[0][1] == "<5" and fees[0][2:] == ["x", "x"]


def test_a_refused_phase_shows_the_reason_and_keeps_the_input(page, staff, trajectories):
    log_in(page)
    page.goto(page.base_url + trajectories[0].get_absolute_url())
    page.get_by_label("Einddatum").fill("01/06/2024")
    page.get_by_label("Uren", exact=False).first.fill("14")
    page.get_by_role("button", name="Fase afronden").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("alert")
        .first.inner_text()
        .startswith("De fase Voortraject duurt maximaal 1 maand(en), tot 08/02/2024.")
    )
    assert page.get_by_label("Einddatum").input_value() == "01/06/2024"
    assert accessibility_violations(page) == []


def test_filter_the_dashboard_and_download_a_figure_set(page, staff, trajectories, tmp_path):
    log_in(page)
    page.get_by_label("ESF-oproep", exact=True).select_option(label="366 Doorstroom LDE")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert "call=366" in page.url  # bookmarkable
    assert table_cells(page, "dashboard-calls-table") == [
        ["366", "Doorstroom LDE", "6"],
        ["Totaal", "", "6"],
    ]
    shown = table_cells(page, "dashboard-phases-table")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (RFC 4180) Trajecten per fase en status").click()
    path = tmp_path / "fasen.csv"
    download_info.value.save_as(path)
    exported = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert exported[0] == ["Fase", "Lopend", "Afgerond", "Stopgezet", "Totaal"]
    assert exported[1:] == shown  # the file holds the figures the page shows
    assert exported[1] == ["Voortraject", "6", "0", "0", "6"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?call=366&province=Limburg&date_from=01/01/2024&date_to=31/12/2024",
        "/?date_from=99/99/2024",
        "/trajecten/",
        "/trajecten/{trajectory}/",
    ],
)
def test_pages_pass_the_accessibility_check(page, staff, trajectories, path):
    log_in(page)
    page.goto(page.base_url + path.format(trajectory=trajectories[0].pk))
    assert page.locator("h1").count() == 1
    assert accessibility_violations(page) == []


def test_the_printed_dashboard_leaves_out_navigation_and_filters(page, staff, trajectories):
    log_in(page)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("form.filters").is_hidden()
    assert page.locator(".downloads").first.is_hidden()
    assert page.locator("#dashboard-phases-table").is_visible()
    assert page.locator("#dashboard-phases svg").is_visible()


def test_a_phase_can_be_completed_with_the_keyboard_alone(page, staff, trajectories):
    log_in(page)
    page.goto(page.base_url + trajectories[0].get_absolute_url())
    page.get_by_label("Einddatum").focus()
    page.keyboard.type("05/02/2024")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_complete-hours"
    page.keyboard.type("14")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form the focus is in
    assert page.get_by_text(re.compile(r"Fase Voortraject afgerond op 05/02/2024")).is_visible()
    trajectories[0].refresh_from_db()
    assert trajectories[0].phases.get().end_date == dt.date(2024, 2, 5)
