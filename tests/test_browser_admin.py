"""The administration and logging out as a person uses them, in headless Chromium."""

import pytest

from mandates.models import Mandate
from tests.browser_support import PASSWORD, log_in, table_rows

pytestmark = pytest.mark.browser


def test_give_a_mandate_its_province_in_the_administration_and_read_its_history(
    page, seeded, staff
):
    mandate = Mandate.objects.get(project_number=6441)
    assert not mandate.provinces.exists()  # the source does not say where it works
    log_in(page)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Beheer").click()
    page.locator("#mandates-mandate").get_by_role("link", name="Mandaten", exact=True).click()
    page.locator("#searchbar").fill("6441")
    page.locator("#changelist-search").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() == 1
    page.locator("#result_list").get_by_role("link", name="6441", exact=True).click()
    page.wait_for_load_state()
    page_path = page.url.removeprefix(page.base_url).split("?")[0]

    working_area = page.locator(".inline-group", has_text="werkgebied")
    working_area.get_by_text("Nog een Provincie van het werkgebied toevoegen").click()
    working_area.locator("select").first.select_option(label="Antwerpen")
    page.get_by_label("Grond voor de provincie").fill("Bevestigd door de promotor")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").is_visible()
    assert list(mandate.provinces.values_list("name", flat=True)) == ["Antwerpen"]

    page.locator("#result_list").get_by_role("link", name="6441", exact=True).click()
    page.get_by_role("link", name="Geschiedenis", exact=True).click()
    page.wait_for_load_state()
    # Newest first, in words: what was done, by whom, with the values as staff know them.
    history = [row[1:] for row in table_rows(page, "#change-history")]
    assert history[:2] == [
        [
            "Gewijzigd",
            "medewerker",
            page_path,
            "Grond voor de provincie: — → Bevestigd door de promotor",
        ],
        [
            "Provincie van het werkgebied toegevoegd",
            "medewerker",
            page_path,
            "Provincie: Antwerpen",
        ],
    ]

    # The application shows it: on the mandate's page, and the register finds it by province.
    page.locator(".breadcrumbs").get_by_role("link", name="6441 Buurtservice vzw").click()
    page.get_by_role("link", name="Weergeven op website").click()
    page.wait_for_load_state()
    area = page.locator("dt", has_text="Werkgebied").locator("xpath=following-sibling::dd[1]")
    assert area.inner_text() == "Antwerpen (grond: Bevestigd door de promotor)"
    page.get_by_role("link", name="Alle mandaten").click()
    page.get_by_label("Provincie").select_option(label="Antwerpen")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert "6441" in [row[1] for row in table_rows(page, "#mandates")]


def test_log_out_and_the_pages_are_closed_again(page, seeded, staff):
    log_in(page)
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Afmelden").count() == 0
    assert page.get_by_role("navigation", name="Hoofdnavigatie").count() == 0
    page.go_back()  # the page seen before: asked again, it sends to the login page
    page.reload()
    assert "/login/" in page.url
    assert page.get_by_label("Gebruikersnaam").is_visible()


def test_change_ones_password_in_the_administration_and_log_in_with_it(page, seeded, staff):
    new_password = "een-nieuw-en-lang-wachtwoord-2027"
    log_in(page)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Wachtwoord wijzigen").click()
    page.get_by_label("Oud wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord:", exact=True).fill(new_password)
    page.get_by_label("Nieuw wachtwoord bevestigen").fill(new_password)
    page.get_by_role("button", name="Mijn wachtwoord wijzigen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Wachtwoordwijziging is geslaagd").is_visible()

    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()
    log_in(page, password=PASSWORD)  # the old one no longer opens the application
    assert "/login/" in page.url
    log_in(page, password=new_password)
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
