"""The filter forms and the trajectory page as a person uses them, in a real (headless) Chromium."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from mandates.models import Mandate
from tests.browser_support import log_in
from tests.factories.mandates import OrganisationFactory
from trajectories.models import Trajectory
from trajectories.services import phase_complete, trajectory_start, worker_create

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(seeded):
    call_command(
        "generate_demo_trajectories", "--count", "300", "--seed", "5", stdout=io.StringIO()
    )


@pytest.mark.parametrize("path", ["/trajecten/", "/trajecten/termijnen/"])
def test_choosing_only_limburg_filters_only_the_province(page, demo, staff, path):
    log_in(page)
    page.goto(page.base_url + path)
    phase = page.get_by_label("Fase" if "termijnen" in path else "Huidige fase")
    assert phase.input_value() == ""
    assert phase.locator("option:checked").inner_text() == "Alle"
    if "termijnen" in path:
        page.get_by_label("Mandaat").select_option(index=1)
    else:
        page.get_by_label("Provincie").select_option(label="Limburg")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert not re.search(r"[?&]phase=\d", page.url), page.url
    if "termijnen" not in path:
        limburg = Trajectory.objects.filter(mandate__provinces__name="Limburg").count()
        assert limburg > 5
        assert page.get_by_text(f"{limburg} trajecten").is_visible()


def test_a_future_start_is_refused_and_a_wrong_completion_undone_on_the_trajectory_page(
    page, seeded, staff
):
    trajectory = trajectory_start(
        worker=worker_create(first_name="Sofie", last_name="Verbeke"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 1, 8),
    )
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    log_in(page)
    page.goto(page.base_url + trajectory.get_absolute_url())
    page.get_by_label("Startdatum").fill("01/01/2030")
    page.get_by_role("button", name="Fase starten").click()
    page.wait_for_load_state()
    assert page.get_by_text("01/01/2030 ligt in de toekomst").is_visible()

    page.get_by_label("Waarom wordt de stap ongedaan gemaakt?").fill("Verkeerde datum")
    page.get_by_role("button", name="Laatste stap ongedaan maken").click()
    page.wait_for_load_state()
    assert page.get_by_text("De afronding van de fase Voortraject is ongedaan gemaakt").is_visible()
    assert trajectory.phases.get().end_date is None
