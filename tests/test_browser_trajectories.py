"""The deadlines page and the health-index page as a person uses them, in headless Chromium:
reached through the menu, filtered through the form, and the rows checked against the data."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from doorstroom.formatting import format_amount, format_number
from mandates.models import Mandate
from tests.browser_support import amount, csv_rows, download, log_in, table_rows
from tests.factories.mandates import OrganisationFactory
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    FeeSchedule,
    HealthIndexMonth,
    Phase,
    PhaseRecord,
    TrajectoryStatus,
)
from trajectories.services import trajectory_start, worker_create

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(seeded):
    call_command(
        "generate_demo_trajectories", "--count", "300", "--seed", "5", stdout=io.StringIO()
    )


def open_from_the_trajectories_menu(page, link: str) -> None:
    log_in(page)
    menu = page.get_by_role("navigation", name="Hoofdnavigatie")
    menu.get_by_role("link", name="Trajecten").click()
    page.get_by_role("link", name=link).click()
    page.wait_for_load_state()


def test_filter_the_deadlines_by_mandate_phase_and_overdue_through_the_form(page, demo, staff):
    today = timezone.localdate()
    near = PhaseRecord.objects.near_or_past_deadline(today)
    # Of the mandates with other phases near or past their maximum too, the one with the most
    # Voortrajecten near or past it (the demo's are all past it), and one more Voortraject of
    # that mandate that ends within days.
    voortrajecten = near.filter(phase=Phase.VOORTRAJECT)
    others = near.exclude(phase=Phase.VOORTRAJECT).values("trajectory__mandate")
    counts = Counter(
        voortrajecten.filter(trajectory__mandate__in=others).values_list(
            "trajectory__mandate__project_number", flat=True
        )
    )
    mandate = Mandate.objects.get(project_number=counts.most_common(1)[0][0])
    fresh = trajectory_start(
        worker=worker_create(first_name="Lien", last_name="Claes"),
        mandate=mandate,
        origin_employer=OrganisationFactory(),
        start_date=today - dt.timedelta(days=25),
    )
    chosen = voortrajecten.filter(trajectory__mandate=mandate)
    expected = chosen.overdue(today)
    assert 0 < expected.count() < chosen.count() < near.count()

    open_from_the_trajectories_menu(page, "Fasen rond of over hun maximale duur")
    assert len(table_rows(page)) == min(near.count(), 50)  # unfiltered: a page of them all
    page.get_by_label("Mandaat").select_option(label=str(mandate))
    page.get_by_label("Fase", exact=True).select_option(label="Voortraject")
    page.get_by_label("Alleen over de maximale duur").check()
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()

    def past(record) -> str:
        days = (today - record.deadline).days
        return f"{days} {'dag' if days == 1 else 'dagen'} over tijd"

    shown = {row[0]: (row[1], row[3], row[6]) for row in table_rows(page)}
    number = str(mandate.project_number)
    assert shown == {
        record.trajectory.worker.reference: (number, "Voortraject", past(record))
        for record in expected.select_related("trajectory__worker")
    }
    # The form shows what was chosen.
    assert page.get_by_label("Mandaat").input_value() == str(mandate.project_number)
    assert page.get_by_label("Alleen over de maximale duur").is_checked()

    page.get_by_label("Alleen over de maximale duur").uncheck()
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    rows = table_rows(page)  # the Voortraject near its maximum too, with its days left
    assert len(rows) == chosen.count()
    deadline = fresh.phases.get().deadline
    assert [fresh.worker.reference, str((deadline - today).days)] in [[r[0], r[6]] for r in rows]


def test_read_the_fees_and_the_health_index_and_download_the_fee_table(
    page, seeded, staff, tmp_path
):
    open_from_the_trajectories_menu(page, "Gezondheidsindex en vergoedingen")
    schedules = FeeSchedule.objects.order_by("-valid_from")
    tables = page.locator("main table:has(caption)")
    assert tables.count() == schedules.count() > 0
    with translation.override("nl-be"):
        for table, schedule in zip(tables.all(), schedules, strict=True):
            assert table.locator("caption").inner_text().startswith(schedule.name)
            rows = [
                [
                    row.get_phase_display(),
                    str(row.max_months),
                    str(row.norm_hours),
                    format_amount(row.base_amount),
                ]
                for row in schedule.phases.order_by("phase")
            ]
            rows.append(["Plafond per traject", "", "", format_amount(schedule.cap_amount)])
            assert table_rows(table, None) == rows

    months = list(HealthIndexMonth.objects.order_by("-month"))
    index = HealthIndex({m.month: m.value for m in months})
    expected = []
    with translation.override("nl-be"):
        for month in months:
            try:
                smoothed = format_number(index.smoothed(month.month), 2)
            except MissingIndexError:
                smoothed = "onbekend"
            source = (
                "✔ bevestigd door twee bronnen" if month.verified else "één bron, niet bevestigd"
            )
            expected.append(
                [f"{month.month:%m/%Y}", format_number(month.value, 2), smoothed, source]
            )
    assert table_rows(page, "main table:not(:has(caption))") == expected
    assert {row[3] for row in expected} == {
        "✔ bevestigd door twee bronnen",
        "één bron, niet bevestigd",
    }

    fee_table = download(
        page, page.get_by_role("link", name="Tabel van de vergoedingen (CSV)"), tmp_path
    )
    in_force = FeeSchedule.objects.in_force(timezone.localdate()).order_by("valid_from").first()
    header, *rows = csv_rows(fee_table)
    assert header == ["Fase", "Maximale duur (maanden)", "Vergoeding (EUR)"]
    with translation.override("nl-be"):
        shown = table_rows(tables.nth(list(schedules).index(in_force)), None)
    # The file holds what the page shows for the schedule in force, the cap as its total.
    as_shown = [[r[0], r[1], amount(r[3].removeprefix("€ "))] for r in shown]
    as_shown[-1][:2] = ["Totaal", ""]
    assert [[r[0], r[1], amount(r[2])] for r in rows] == as_shown


def test_stop_a_trajectory_and_record_its_outcome_through_the_page_forms(page, seeded, staff):
    trajectory = trajectory_start(
        worker=worker_create(first_name="Jonas", last_name="Peeters"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 1, 8),
    )
    open_from_the_trajectories_menu(page, "Alle trajecten")
    page.get_by_label("Referentie werknemer").fill(trajectory.worker.reference)
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("link", name=trajectory.worker.reference).click()
    page.wait_for_load_state()

    page.get_by_label("Datum stopzetting").fill("01/02/2024")
    page.get_by_label("Reden van stopzetting").fill("Verhuisd naar het buitenland")
    page.get_by_role("button", name="Traject stopzetten").click()
    page.wait_for_load_state()
    assert page.get_by_text("Traject stopgezet op 01/02/2024.").is_visible()
    outcome = page.locator("form", has=page.get_by_role("button", name="Uitkomst opslaan"))
    outcome.get_by_label("Uitkomst").select_option(label="reguliere job")
    outcome.get_by_role("button", name="Uitkomst opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Uitkomst geregistreerd: reguliere job.").is_visible()

    trajectory.refresh_from_db()
    assert (trajectory.status, trajectory.end_date) == (
        TrajectoryStatus.STOPPED,
        dt.date(2024, 2, 1),
    )
    assert (trajectory.stop_reason, trajectory.outcome) == ("Verhuisd naar het buitenland", "ja")
    facts = page.locator("dl.facts").inner_text()
    assert "stopgezet (Verhuisd naar het buitenland)" in facts and "reguliere job" in facts
