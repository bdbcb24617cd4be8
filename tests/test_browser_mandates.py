"""A mandate's page as a person uses it, in headless Chromium: found through the register's
form, and its links to its trajectories, its hours and its fees, each showing that mandate only."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from mandates.models import Mandate
from tests.browser_support import amount, csv_rows, download, log_in, table_rows
from trajectories.models import PhaseRecord, Trajectory

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(seeded):
    call_command(
        "generate_demo_trajectories", "--count", "150", "--seed", "5", stdout=io.StringIO()
    )


def busiest_mandate() -> Mandate:
    """The mandate with the most trajectories, while others have some too (so a link that
    forgot the mandate would show more)."""
    mandates = Mandate.objects.annotate(n=Count("trajectories")).filter(n__gt=0).order_by("-n")
    assert mandates.count() > 1
    return mandates.select_related("call").first()


def test_a_mandate_page_leads_to_its_trajectories_hours_and_fees(page, demo, staff, tmp_path):
    mandate = busiest_mandate()
    number = str(mandate.project_number)
    trajectories = Trajectory.objects.filter(mandate=mandate)
    log_in(page)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Mandaten"
    ).click()
    page.get_by_label("ESF-oproep").select_option(
        label=f"{mandate.call.number} {mandate.call.title}"
    )
    page.get_by_role("button", name="Filteren").click()
    page.locator("#mandates").get_by_role("link", name=number, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"{number} · {mandate.name}"
    mandate_page = page.url

    page.get_by_role("link", name="De trajecten van dit mandaat").click()
    page.wait_for_load_state()
    assert page.get_by_label("Mandaat").input_value() == number  # the form says what is shown
    assert page.get_by_text(f"{trajectories.count()} trajecten", exact=True).is_visible()
    shown = table_rows(page)
    assert len(shown) == min(trajectories.count(), 25)
    assert {row[2] for row in shown} == {number}
    references = set(trajectories.values_list("worker__reference", flat=True))
    assert {row[0] for row in shown} <= references

    page.goto(mandate_page)  # back, as with the browser's back button
    page.get_by_role("link", name="De uren van dit mandaat tegenover de norm").click()
    page.wait_for_load_state()
    assert page.get_by_label("Mandaat").input_value() == number
    [row] = table_rows(page)
    assert row[:3] == [number, mandate.name, mandate.promoter_as_written]
    assert row[3] == str(trajectories.count())

    page.goto(mandate_page)
    fees = page.locator("li", has_text="De verschuldigde vergoedingen van dit mandaat")
    rows = csv_rows(download(page, fees.get_by_role("link", name="CSV (Excel)"), tmp_path))
    header, lines, grand_total = rows[0], rows[1:-1], rows[-1]
    assert header[0] == "Projectnummer"
    count, fee = header.index("Aantal afgeronde fasen"), header.index("Vergoeding (EUR)")
    assert lines and {line[0] for line in lines} == {number}
    completed = PhaseRecord.objects.completed()
    owed = completed.filter(trajectory__mandate=mandate).aggregate(
        n=Count("id"), total=Sum("fee_amount")
    )
    assert completed.filter(~Q(trajectory__mandate=mandate)).exists()  # others are owed fees too
    [subtotal] = [line for line in lines if line[4] == "Totaal"]
    assert [int(subtotal[count]), amount(subtotal[fee])] == [owed["n"], owed["total"]]
    assert grand_total[1] == "Totaal alle mandaten"
    assert [int(grand_total[count]), amount(grand_total[fee])] == [owed["n"], owed["total"]]
