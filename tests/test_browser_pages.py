"""The main task of the pilots, questions, exports and hours pages, through their forms, in a
real (headless) Chromium."""

import csv
import io
import re
import zipfile

import pytest

from pilots.models import Pilot, Sector
from tests.browser_support import log_in, make_answer_pack

pytestmark = pytest.mark.browser


def test_filter_the_pilots_by_sector_through_the_form(page, seeded, staff):
    sector = Sector.objects.order_by("name").first()
    expected = Pilot.objects.filter(sector=sector).count()
    assert 0 < expected < Pilot.objects.count()
    log_in(page)
    page.goto(page.base_url + "/proeftuinen/")
    page.get_by_label("Sector").select_option(label=sector.name)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    chosen = {k: v for k, v in re.findall(r"[?&]([^=&]+)=([^&]*)", page.url) if v}
    assert set(chosen) == {"sector"}, page.url  # only what was chosen
    assert page.locator("main table tbody tr").count() == expected


def test_make_and_download_the_answer_pack_of_question_35(page, seeded, staff, tmp_path, workers):
    workers.start()
    log_in(page)
    page.goto(page.base_url + "/vragen/")
    page.get_by_role("link", name="35", exact=True).click()
    page.wait_for_load_state()
    assert "Vraag 35" in page.title()
    path = make_answer_pack(page, tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert any(name.endswith(".xlsx") for name in names), names
    assert any(name.endswith(".html") for name in names), names


def test_download_an_export_with_its_own_filter_form(page, seeded, staff, tmp_path):
    log_in(page)
    page.goto(page.base_url + "/exports/")
    section = page.locator("section.export", has=page.locator("code", has_text="mandates"))
    section.get_by_label("Provincie").select_option(label="Limburg")
    section.get_by_label("CSV voor").select_option(value="rfc4180")
    with page.expect_download() as download_info:
        section.get_by_role("button", name="Downloaden").click()
    path = tmp_path / "mandaten.csv"
    download_info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    province = rows[0].index("Provincie")
    assert len(rows) > 1 and {row[province] for row in rows[1:]} == {"Limburg"}


def test_a_wrong_date_on_the_hours_page_is_explained_on_the_form(page, seeded, staff):
    log_in(page)
    page.goto(page.base_url + "/trajecten/uren/")
    page.get_by_label("Trajecten gestart vanaf").fill("31/02/2024")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert page.get_by_text("Geef een datum als dag/maand/jaar, bv. 31/12/2018.").is_visible()
    assert page.get_by_label("Trajecten gestart vanaf").input_value() == "31/02/2024"
