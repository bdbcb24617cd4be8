"""The pilots' overview, a pilot's page and the Doorstroom met Zorg page as a person uses them,
in headless Chromium: reached through the menu and the pages' links, rows checked against the
data."""

import pytest
from django.db.models import Count

from pilots.models import CareEngagement, Pilot, PilotParticipant, ReportedResult
from tests.browser_support import csv_rows, download, log_in, table_rows

pytestmark = pytest.mark.browser


def open_pilots(page, link: str | None = None) -> None:
    log_in(page)
    menu = page.get_by_role("navigation", name="Hoofdnavigatie")
    menu.get_by_role("link", name="Proeftuinen").click()
    if link:
        page.locator(".subnav").get_by_role("link", name=link).click()
    page.wait_for_load_state()


def test_from_the_overview_a_sector_leads_to_its_pilots(page, seeded, staff):
    open_pilots(page, "Overzicht per sector en dienstverlener")
    overview = table_rows(page)
    assert sum(int(row[2]) for row in overview) == Pilot.objects.count()
    assert len(table_rows(page, "main table >> nth=1")) == ReportedResult.objects.count()
    sector, provider, count = overview[1][:3]
    assert int(count) == Pilot.objects.filter(sector__name=sector).count()

    page.locator("main table").first.get_by_role("link", name=sector, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_label("Sector").input_value() == sector
    rows = table_rows(page)
    assert len(rows) == int(count)
    assert {(row[1], row[2]) for row in rows} == {(sector, provider)}


def test_a_pilot_page_leads_to_the_other_pilots_of_a_participant(page, seeded, staff):
    # A named organisation that takes part in more than one pilot.
    organisation = (
        PilotParticipant.objects.filter(organisation__isnull=False)
        .values("organisation", "organisation__name")
        .annotate(pilots=Count("pilot", distinct=True))
        .filter(pilots__gt=1)
        .order_by("-pilots", "organisation__name")
        .first()
    )
    assert organisation is not None
    pilots = Pilot.objects.filter(participants__organisation=organisation["organisation"])
    pilot = pilots.select_related("sector").order_by("source_order").first()
    open_pilots(page)
    page.get_by_label("Sector").select_option(label=pilot.sector.name)
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("link", name=pilot.participation, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == pilot.participation
    participants = pilot.participants.select_related("organisation").order_by("pk")
    assert sorted(row[0] for row in table_rows(page)) == sorted(
        p.name_as_written for p in participants
    )

    page.get_by_role("link", name=organisation["organisation__name"], exact=True).click()
    page.wait_for_load_state()
    chosen = page.get_by_label("Deelnemende organisatie").locator("option:checked")
    assert chosen.inner_text() == organisation["organisation__name"]
    shown = sorted(int(row[0]) for row in table_rows(page))
    assert shown == sorted(pilots.distinct().values_list("source_order", flat=True))
    assert len(shown) == organisation["pilots"] > 1


def test_the_care_follow_up_page_and_its_download_hold_the_same_engagements(
    page, seeded, staff, tmp_path
):
    open_pilots(page, "Doorstroom met Zorg")
    engagements = CareEngagement.objects.filter(assignment__is_care_follow_up=True)
    rows = table_rows(page)
    assert len(rows) == engagements.count() > 3
    assert {row[0] for row in rows} == set(engagements.values_list("name_as_written", flat=True))
    homes = {row[0]: row[4] for row in rows}
    assert {e.name_as_written: e.care_homes_label for e in engagements} == homes

    header, *lines = csv_rows(
        download(page, page.get_by_role("link", name="CSV (RFC 4180)"), tmp_path)
    )
    columns = [header.index(name) for name in ("Betrokkene", "Organisatie", "Toelichting")]
    in_file = sorted([line[i] for i in columns] for line in lines)
    on_page = sorted([row[0], "" if row[1] == "—" else row[1], row[5]] for row in rows)
    assert in_file == on_page
