"""What a new staff member found walking the application, each as they saw it: Dutch pages
without English or ISO leftovers, English pages without Dutch, an undone completion without its
hours, help that shows the number as the form reads it, an import's format by its name, the
deadlines' count and column."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from doorstroom.roles import Role
from mandates.models import Mandate, Province
from tests.factories.import_files import csv_file, started, xlsx_file
from tests.factories.mandates import OrganisationFactory
from tests.html_forms import forms, table_rows
from tests.test_translations import visible_text
from trajectories.imports import import_batch_check
from trajectories.models import Phase, PhaseRecord, TrajectoryFigures
from trajectories.services import phase_complete, trajectory_start, trajectory_stop, worker_create


@pytest.fixture
def trajectory(seed):
    return trajectory_start(
        worker=worker_create(first_name="Sofie", last_name="Verbeke"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(name="Maatwerkbedrijf"),
        start_date=dt.date(2024, 1, 8),
    )


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text_of(response) -> str:
    assert response.status_code == 200
    return visible_text(response.content.decode())


def post_form(client, trajectory, action: str, **typed):
    url = reverse(f"trajectories:{action}", args=[trajectory.pk])
    [form] = [
        f for f in forms(client.get(trajectory.get_absolute_url())) if f.attrs["action"] == url
    ]
    prefix = {"phase-complete": "complete", "stop": "stop"}.get(action, action)
    return client.post(url, {**form.data(), **{f"{prefix}-{k}": v for k, v in typed.items()}})


# --- the Dutch admin ------------------------------------------------------------------------------


def test_the_dutch_admin_names_phases_trajectories_and_dates_in_dutch(
    client, make_user, trajectory
):
    limburg = Province.objects.get(name="Limburg")  # 7887's
    client.force_login(make_user("limburg", Role.PROVINCIAL, province=limburg, is_staff=True))
    record = trajectory.phases.get()
    phases = text_of(client.get(reverse("admin:trajectories_phaserecord_changelist")))
    assert "Trajectory" not in phases and "Traject" in phases
    phase = text_of(client.get(reverse("admin:trajectories_phaserecord_change", args=[record.pk])))
    assert "Trajectory" not in phase
    assert "Voortraject (08/01/2024)" in phase
    changed = text_of(
        client.get(reverse("admin:trajectories_trajectory_change", args=[trajectory.pk]))
    )
    assert f"{trajectory.worker.reference} · 7887 (08/01/2024)" in changed
    mandate = text_of(
        client.get(reverse("admin:mandates_mandate_change", args=[trajectory.mandate.pk]))
    )
    for page in (phases, phase, changed):
        assert "2024-01-08" not in page
    for page in (changed, mandate):
        assert "Created at" not in page and "Updated at" not in page
    assert "Aangemaakt op" in changed and "Bijgewerkt op" in mandate


# --- the trajectory page in English ------------------------------------------------------------


def test_the_english_trajectory_page_has_no_dutch_phase_name_in_its_labels(
    logged_in_client, trajectory
):
    page = text_of(in_english(logged_in_client).get(trajectory.get_absolute_url()))
    assert "Nazorg" not in page
    assert "Outcome (after the after-care)" in page


@pytest.mark.parametrize(
    ("language", "help_text", "typed"),
    [("nl-be", "bv. 40,5", "40,5"), ("en", "e.g. 40.5", "40.5")],
)
def test_the_hours_help_shows_the_number_as_the_form_reads_it(
    logged_in_client, trajectory, language, help_text, typed
):
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert help_text in text_of(logged_in_client.get(trajectory.get_absolute_url()))
    response = post_form(
        logged_in_client, trajectory, "phase-complete", end_date="05/02/2024", hours=typed
    )
    assert response.status_code == 302
    assert trajectory.phases.get().hours == Decimal("40.5")


# --- undoing a completion -----------------------------------------------------------------------


def test_an_undone_completion_takes_its_hours_back_with_it(logged_in_client, trajectory):
    # Hours known while the phase ran (an import's correction) are what it goes back to.
    PhaseRecord.objects.filter(trajectory=trajectory).update(hours=Decimal("3"))
    response = post_form(
        logged_in_client, trajectory, "phase-complete", end_date="05/02/2024", hours="40,5"
    )
    assert response.status_code == 302
    assert TrajectoryFigures.objects.get(trajectory=trajectory).hours_total == Decimal("40.5")

    response = post_form(logged_in_client, trajectory, "undo", reason="Verkeerde werknemer")
    assert response.status_code == 302
    record = trajectory.phases.get()
    assert (record.end_date, record.fee_amount, record.hours) == (None, None, Decimal("3"))

    trajectory_stop(trajectory=trajectory, end_date=dt.date(2024, 2, 7), reason="Verhuisd")
    assert TrajectoryFigures.objects.get(trajectory=trajectory).hours_total == Decimal("3")
    # Audited, with the reason: the hours' change is in the undo's event.
    from pghistory.models import Events

    undone = Events.objects.tracks(record).filter(pgh_context__undo="complete")
    [event] = [e for e in undone if "hours" in (e.pgh_diff or {})]
    assert event.pgh_diff["hours"] == [40.5, 3.0]
    assert event.pgh_context["undo_reason"] == "Verkeerde werknemer"


def test_an_undone_completion_without_earlier_hours_has_none(trajectory, user):
    from trajectories.corrections import trajectory_last_step_undo

    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("40.5"))
    trajectory_last_step_undo(trajectory=trajectory, reason="Vergissing", user=user)
    assert trajectory.phases.get(phase=Phase.VOORTRAJECT).hours == Decimal("0")


# --- an import's page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label", "code"),
    [
        ("nl-be", "Excel (België): puntkomma, decimale komma, UTF-8 met BOM", "excel-nl"),
        ("en", "Excel (Belgium): semicolon, decimal comma, UTF-8 with BOM", "excel-nl"),
        ("en", "RFC 4180: comma, decimal point, no BOM", "rfc4180"),
        ("en", "Excel workbook (.xlsx)", "xlsx"),
    ],
)
def test_an_imports_page_names_its_format(logged_in_client, user, seed, language, label, code):
    trajectory = started()
    rows = [[trajectory.worker.reference, trajectory.mandate.project_number, "Voortraject"]]
    header = ["Referentie werknemer", "Projectnummer", "Fase"]
    if code == "xlsx":
        data = xlsx_file(rows, header=header)
    else:
        data = csv_file(rows, dialect=code, header=header)
    batch = import_batch_check(user=user, data=data, file_name=f"voortgang.{code[:4]}")
    assert batch.file_format == code
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = text_of(logged_in_client.get(reverse("trajectories:import-detail", args=[batch.pk])))
    assert label in page
    if code != "xlsx":
        assert code not in page.replace(f"voortgang.{code[:4]}", "")


# --- the deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "header", "count"),
    [("en", "Days left or past", "1 phase"), ("nl-be", "Dagen over of voorbij", "1 fase")],
)
def test_the_deadlines_count_their_phases_and_say_days_left_or_past(
    logged_in_client, trajectory, language, header, count
):
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = logged_in_client.get(reverse("trajectories:deadlines"))
    page = text_of(response)
    assert header in page
    assert f" {count} " in f" {page} "
    assert len(table_rows(response)) == 1


# --- the overdue phases' export -----------------------------------------------------------------


def test_the_overdue_export_asks_for_no_period_and_the_dashboard_keeps_its_own(
    logged_in_client, trajectory
):
    from doorstroom.exports import get_export

    url = reverse("export-download", args=["dashboard-overdue"])
    [form] = [
        f for f in forms(logged_in_client.get(reverse("exports"))) if f.attrs["action"] == url
    ]
    names = set(form.field_names())
    assert {"call", "province"} <= names and not names & {"date_from", "date_to"}
    download = logged_in_client.get(url, {**form.data(), "format": "csv"})
    assert download.status_code == 200
    # The dashboard, with a period, still shows today's overdue phases, and its download link
    # (which carries the period) still downloads them.
    period = {"date_from": "01/01/2024", "date_to": "31/12/2024"}
    home = logged_in_client.get(reverse("home"), period)
    assert home.status_code == 200
    overdue = get_export("dashboard-overdue")(period)
    assert overdue.filters.get("date_from") is None
    assert next(str(row[0]) for row in overdue.rows()) == "Voortraject"
    links = [h for h in home.content.decode().split('"') if h.startswith(url)]
    assert links and all(
        logged_in_client.get(h.replace("&amp;", "&")).status_code == 200 for h in links
    )


# --- the exports page's help ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "wrong", "right"),
    [
        (
            "en",
            ["lopend, afgerond", "1 Voortraject", "'onbekend' for mandates", "true: a running"],
            ["Running, completed or stopped.", "“unknown” for mandates without one"],
        ),
        (
            "nl-be",
            ["active (actief)", "Id van de promotor", "true: een lopende", "1 Voortraject, 2"],
            ["Actief, beëindigd of ingetrokken.", "De promotor van het mandaat."],
        ),
    ],
)
def test_the_exports_pages_help_describes_its_dropdowns_in_its_language(
    logged_in_client, seed, language, wrong, right
):
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = text_of(logged_in_client.get(reverse("exports")))
    assert [text for text in wrong if text in page] == []
    assert [text for text in right if text not in page] == []


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "“unknown” for mandates without one"), ("nl-be", "“onbekend” voor mandaten")],
)
def test_the_figures_forms_name_no_province_in_the_readers_language(seed, language, said):
    """The province's help of the dashboard's and the statistics' filter forms, as the mandates'
    filter says it."""
    from trajectories.exports.counts import PeriodFilterForm

    with translation.override(language):
        assert said in str(PeriodFilterForm().fields["province"].help_text)


def test_a_scoped_users_figures_list_only_the_provinces_and_calls_of_their_mandates(
    seed, make_user
):
    """A provincial user's tables: no 0 for a province or call outside their scope (it would say
    nothing about it); whoever sees everything gets every one."""
    from doorstroom.exports import get_export
    from trajectories.demo import demo_generate

    demo_generate(count=200, seed=3)
    limburg = Province.objects.get(name="Limburg")
    provincial = make_user("limburg", Role.PROVINCIAL, province=limburg)
    theirs = Mandate.objects.visible_to(provincial)
    provinces = {name or "onbekend" for name in theirs.values_list("provinces__name", flat=True)}
    calls = {f"{n} " for n in theirs.values_list("call__number", flat=True)}
    assert "Limburg" in provinces and len(provinces) < Province.objects.count()

    listed = [row[0] for row in get_export("dashboard-provinces")({}, user=provincial).rows()]
    assert set(listed) == provinces
    stats = list(get_export("trajectory-stats")({}, user=provincial).rows())
    assert {row[1] for row in stats if row[0] == "Provincie"} == provinces
    shown_calls = {row[1] for row in stats if row[0] == "ESF-oproep"}
    assert {c.split()[0] + " " for c in shown_calls} == calls
    per_call = [row[0] for row in get_export("dashboard-calls")({}, user=provincial).rows()]
    assert {f"{n} " for n in per_call if n != "Totaal"} == calls

    everyone = [row[0] for row in get_export("dashboard-provinces")({}, user=None).rows()]
    assert set(everyone) == {*Province.objects.values_list("name", flat=True), "onbekend"}
