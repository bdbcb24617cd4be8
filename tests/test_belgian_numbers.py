"""Numbers as a Belgian reads them, in both languages: years never grouped, one money notation,
figures rounded (not truncated), plurals that agree with their number."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.charts import Bar, bar_chart
from doorstroom.formatting import format_amount, format_count, format_number
from mandates.models import Mandate
from questions.models import ParliamentaryQuestion
from questions.services import answer_pack_generate, answer_pack_html
from tests.factories.import_files import csv_file, started
from tests.factories.mandates import OrganisationFactory
from tests.html_forms import table_rows
from trajectories.imports import import_batch_check
from trajectories.models import Phase, PhaseRecord
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create
from trajectories.tables import DeadlineTable


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("language", "amount", "number", "hours"),
    [("nl-be", "€ 1.260,00", "1.260", "135,1"), ("en", "€1,260.00", "1,260", "135.1")],
)
def test_one_money_and_one_number_notation_per_language(language, amount, number, hours):
    with translation.override(language):
        assert format_amount(Decimal("1260")) == amount
        assert format_number(1260) == number
        # Rounded half up, never truncated (Django's number_format cuts 135.08 to 135.0).
        assert format_number(Decimal("135.08"), 1) == hours
        assert format_number(Decimal("-3.255"), 2)[-1] == "6"
        assert format_count(None) == ("onbekend" if language == "nl-be" else "unknown")


@pytest.fixture
def demo(seed):
    call_command(
        "generate_demo_trajectories", "--count", "200", "--seed", "5", stdout=io.StringIO()
    )


@pytest.mark.parametrize("english", [False, True])
def test_the_dashboards_outcome_table_shows_years_as_years(demo, logged_in_client, english):
    """The example of the issue: "2.018" in the outcome table, in both languages."""
    client = in_english(logged_in_client) if english else logged_in_client
    rows = table_rows(client.get(reverse("home")))
    grouped_years = [c for row in rows for c in row if re.fullmatch(r"2[.,]0[12]\d", c)]
    assert grouped_years == []
    assert any(row[1] == "2019" for row in rows if len(row) > 1)


def completed_trajectory(hours_of_nazorg=Decimal("37.08")):
    """One completed trajectory with 14 + 42 + 42 + 37,08 = 135,08 hours."""
    trajectory = trajectory_start(
        worker=worker_create(first_name="Jan", last_name="Maes"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 1, 8),
    )
    day = dt.date(2024, 2, 1)
    phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("14"))
    for hours in ("42", "42", hours_of_nazorg):
        phase_start(trajectory=trajectory, start_date=day)
        day += dt.timedelta(days=30)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal(hours))
    assert PhaseRecord.objects.filter(trajectory=trajectory).count() == Phase.NAZORG
    return trajectory


@pytest.mark.parametrize(("english", "shown"), [(False, "135,1"), (True, "135.1")])
def test_hours_are_rounded_on_the_hours_page(seed, logged_in_client, english, shown):
    """The example of the issue: 135.08 shown as "135,0" (five trajectories: fewer are hidden)."""
    for _ in range(5):
        completed_trajectory()
    client = in_english(logged_in_client) if english else logged_in_client
    [row] = table_rows(client.get(reverse("trajectories:hours"), {"mandate": "7887"}))
    assert row[5] == ("675,4" if not english else "675.4")  # hours of the five
    assert row[6] == shown  # hours per completed trajectory
    assert row[7] == ("-4,9" if not english else "-4.9")  # against the norm of 140


def test_hours_and_fees_in_one_notation_on_the_trajectory_page(seed, logged_in_client):
    """The example of the issue: "51.0" hours beside "EUR 2.163,64" in English."""
    trajectory = completed_trajectory()
    dutch = logged_in_client.get(trajectory.get_absolute_url()).content.decode()
    english = in_english(logged_in_client).get(trajectory.get_absolute_url()).content.decode()
    assert "135,1" in dutch and re.search(r"€ \d\.\d{3},\d\d", dutch)
    assert "135.1" in english and re.search(r"€\d,\d{3}\.\d\d", english)
    assert "EUR " not in dutch and "EUR " not in english


def test_the_day_past_plural_agrees_with_its_number(seed):
    record = started().phases.get()
    record.deadline = timezone.localdate() - dt.timedelta(days=1)
    with translation.override("nl-be"):
        assert DeadlineTable([]).render_days_left(record) == "1 dag over tijd"
        record.deadline = timezone.localdate() - dt.timedelta(days=3)
        assert DeadlineTable([]).render_days_left(record) == "3 dagen over tijd"


def test_an_import_with_one_error_says_1_fout(seed, logged_in_client, user):
    trajectory = started()
    row = [trajectory.worker.reference, trajectory.mandate.project_number, "Fase 9", "04/03/2019"]
    batch = import_batch_check(user=user, data=csv_file([[*row, "", ""]]), file_name="f.csv")
    page = logged_in_client.get(batch.get_absolute_url()).content.decode()
    assert "<strong>1</strong> rij" in page and "<strong>1</strong> rijen" not in page
    assert "<strong>1</strong> fout" in page and "<strong>1</strong> fouten" not in page


def test_the_answer_pack_writes_amounts_in_euro_and_years_as_years(seed, user):
    """The source writes € 1.260: the pack's page shows the fees as € 1.260,00."""
    pack = answer_pack_generate(question=ParliamentaryQuestion.objects.get(number=35), user=user)
    page = answer_pack_html(pack=pack)
    assert ">€ 420,00<" in page and ">€ 1.260,00<" in page and ">€ 4.200,00<" in page
    assert ">1260.00<" not in page
    assert ">6441<" in page  # a project number is not a figure


def test_chart_values_in_the_active_language(db):
    with translation.override("en"):
        chart = bar_chart("t", [Bar("a", 1260), Bar("b", None)])
    assert ">1,260<" in chart and ">unknown<" in chart
