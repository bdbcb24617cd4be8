"""The mandates register as a person uses it, in a real (headless) Chromium."""

import csv
import io
import re

import pytest

from tests.browser_support import accessibility_violations, log_in

pytestmark = pytest.mark.browser


def test_log_in_and_see_the_43_mandates(page, seeded, staff):
    page.goto(page.base_url + "/mandaten/")
    assert "/login/" in page.url  # not logged in: sent to the login page
    log_in(page)
    page.goto(page.base_url + "/mandaten/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mandaten"
    assert page.get_by_text("43 mandaten").is_visible()


def test_filter_by_call_and_province_and_download_the_export(page, seeded, staff, tmp_path):
    log_in(page)
    page.goto(page.base_url + "/mandaten/")
    page.get_by_label("ESF-oproep").select_option(label="380 Doorstroom BW/SW")
    page.get_by_label("Provincie").select_option(label="Limburg")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert re.search(r"call=380", page.url) and re.search(r"province=Limburg", page.url)
    numbers = sorted(
        int(t) for t in page.locator("#mandates tbody td:nth-child(2)").all_inner_texts()
    )
    assert numbers == [6708, 6712, 6714]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (RFC 4180)").click()
    path = tmp_path / "mandaten.csv"
    download_info.value.save_as(path)
    exported = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert exported[0][:3] == ["Oproep", "Oproeptitel", "Projectnummer"]
    assert sorted(int(r[2]) for r in exported[1:]) == [6708, 6712, 6714]
    assert {r[5] for r in exported[1:]} == {"Limburg"}


def test_switch_to_english_and_back(page, seeded, staff):
    log_in(page)
    page.goto(page.base_url + "/mandaten/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Mandates"


@pytest.mark.parametrize(
    "path",
    [
        "/mandaten/",
        "/mandaten/?call=380",
        "/mandaten/6441/",
        "/exports/",
        "/vragen/",
        "/vragen/{question}/",
        "/proeftuinen/",
        "/proeftuinen/{pilot}/",
        "/proeftuinen/overzicht/",
        "/proeftuinen/doorstroom-met-zorg/",
    ],
)
def test_pages_pass_the_accessibility_check(page, seeded, staff, path):
    from pilots.models import Pilot
    from questions.models import ParliamentaryQuestion

    log_in(page)
    path = path.format(
        question=ParliamentaryQuestion.objects.get(number=35).pk, pilot=Pilot.objects.first().pk
    )
    page.goto(page.base_url + path)
    assert page.locator("h1").count() == 1
    assert accessibility_violations(page) == []


def test_login_page_passes_the_accessibility_check(page, seeded):
    page.goto(page.base_url + "/login/")
    assert accessibility_violations(page) == []
