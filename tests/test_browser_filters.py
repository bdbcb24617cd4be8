"""The filter forms as a person uses them, in a real (headless) Chromium."""

import io
import re

import pytest
from django.core.management import call_command

from tests.browser_support import log_in
from trajectories.models import Trajectory

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
