"""The dashboard: its figures are the exports' figures, scoped, suppressed, and cheap to draw."""

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstroom.dashboard import SECTIONS
from doorstroom.exports import DIALECTS, csv_cell, get_export
from doorstroom.formatting import format_amount
from doorstroom.roles import Role
from mandates.models import Mandate
from tests.factories.mandates import OrganisationFactory
from tests.queries import count_queries
from trajectories.demo import demo_generate
from trajectories.models import Phase, PhaseRecord, Trajectory
from trajectories.services import phase_complete, trajectory_start, worker_create

FILTER_SETS = [
    {},
    {"call": "366"},
    {"province": "Limburg"},
    {"province": "onbekend"},
    {"date_from": "01/01/2021", "date_to": "31/12/2022"},
    {"call": "380", "date_from": "2020-01-01"},
]


@pytest.fixture
def demo(seed):
    demo_generate(count=300, seed=1)


def dashboard(client, params=None):
    response = client.get(reverse("home"), params or {})
    return response, {s.name: s for s in response.context["sections"]}


def start(*, mandate_number=7887, start_date=dt.date(2024, 1, 8)) -> Trajectory:
    worker = worker_create(first_name="Sofie", last_name="Verbeke")
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=mandate_number),
        origin_employer=OrganisationFactory(),
        start_date=start_date,
    )


def test_the_landing_page_is_the_dashboard(logged_in_client, seed):
    response = logged_in_client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Dashboard</h1>" in body
    for spec in SECTIONS:
        assert f'id="{spec.export_name}"' in body
        assert f"/exports/{spec.export_name}/?format=csv" in body


def test_anonymous_visitors_are_sent_to_log_in(client, seed):
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize("params", FILTER_SETS)
def test_the_dashboards_figures_equal_the_exports_figures(logged_in_client, user, demo, params):
    response, sections = dashboard(logged_in_client, params)
    assert response.status_code == 200
    assert set(sections) == {spec.export_name for spec in SECTIONS}
    for name, section in sections.items():
        own = params if section.spec.filtered else {}
        exported = [list(row) for row in get_export(name)(own, user=user).rows()]
        assert section.rows == exported, name
        # ... and the file the section links to holds those very rows.
        download = logged_in_client.get(
            reverse("export-download", args=[name]) + f"?format=csv&dialect=rfc4180&{section.query}"
        )
        text = b"".join(download.streaming_content).decode("utf-8")
        lines = list(csv.reader(io.StringIO(text)))
        assert lines[0] == section.header
        dialect = DIALECTS["rfc4180"]
        assert lines[1:] == [[csv_cell(v, dialect) for v in row] for row in section.rows], name


def test_filters_change_the_figures(logged_in_client, demo):
    _, everything = dashboard(logged_in_client)
    _, one_call = dashboard(logged_in_client, {"call": "366"})
    total = everything["dashboard-phases"].rows[-1][-1]
    assert total == Trajectory.objects.count() == 300
    in_call = Trajectory.objects.filter(mandate__call__number=366).count()
    assert 5 <= in_call < total
    assert one_call["dashboard-calls"].rows == [
        [366, "Doorstroom LDE", in_call],
        ["Totaal", None, in_call],
    ]
    # A grand total is only hidden where it would reveal a small cell (secondary suppression).
    assert one_call["dashboard-phases"].rows[-1][-1] in (in_call, "<5")


def test_the_funnel_counts_trajectories_by_their_latest_phase(logged_in_client, demo):
    _, sections = dashboard(logged_in_client)
    rows = {row[0]: row for row in sections["dashboard-phases"].rows}
    nazorg_done = Trajectory.objects.in_phase(4).filter(status="afgerond").count()
    assert rows["Nazorg"][2] == (nazorg_done if nazorg_done >= 5 else "<5")
    assert rows["Voortraject"][4] == Trajectory.objects.in_phase(1).count()


def test_small_counts_are_suppressed_on_the_dashboard_as_in_the_export(logged_in_client, seed):
    start()
    _, sections = dashboard(logged_in_client)
    voortraject = sections["dashboard-phases"].rows[0]
    assert voortraject == ["Voortraject", "<5", 0, 0, "<5"]
    assert sections["dashboard-phases"].rows[-1] == ["Totaal", "<5", 0, 0, "<5"]
    calls = {row[0]: row[2] for row in sections["dashboard-calls"].rows}
    assert (calls[432], calls[366], calls["Totaal"]) == ("<5", 0, "<5")
    provinces = dict(sections["dashboard-provinces"].rows)
    assert provinces["Limburg"] == "<5" and provinces["Antwerpen"] == 0


def test_fees_owed_per_quarter_in_euro_and_paid_beside(logged_in_client, seed):
    trajectories = [start() for _ in range(5)]
    for trajectory in trajectories:
        phase_complete(trajectory=trajectory, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    response, sections = dashboard(logged_in_client)
    owed = sum(PhaseRecord.objects.completed().values_list("fee_amount", flat=True))
    nothing = Decimal("0.00")  # no claim paid yet (payments: tests/test_payments_ledger.py)
    assert sections["dashboard-fees-paid"].rows == [
        ["2024 K1", 5, owed, nothing],
        ["Totaal", 5, owed, nothing],
    ]
    body = response.content.decode()
    assert format_amount(owed) in body  # EUR 2.557,25
    assert "Betaald (EUR)" in body


def test_a_provider_sees_only_its_own_trajectories(client, make_user, seed):
    own = Mandate.objects.get(project_number=7887)
    for _ in range(5):
        start(mandate_number=7887)
    for _ in range(6):
        start(mandate_number=6441)
    provider = make_user("dienstverlener", Role.PROVIDER, organisation=own.promoter)
    client.force_login(provider)
    _, sections = dashboard(client)
    visible = Trajectory.objects.visible_to(provider).count()
    assert sections["dashboard-phases"].rows[-1][-1] == visible
    assert visible < Trajectory.objects.count()
    exported = list(get_export("dashboard-phases")({}, user=provider).rows())
    assert sections["dashboard-phases"].rows == [list(r) for r in exported]


def test_empty_states_say_so(logged_in_client, seed):
    response, _ = dashboard(logged_in_client)
    assert "Geen cijfers voor deze filters." in response.content.decode()


def test_bad_filters_get_a_clear_error_and_no_figures(logged_in_client, seed):
    response = logged_in_client.get(reverse("home"), {"date_from": "31-13-2024"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Geef een datum als dag/maand/jaar, bv. 31/12/2018." in body
    assert response.context["sections"] == []


def test_query_count_does_not_grow_with_the_data(logged_in_client, seed):
    demo_generate(count=20, seed=2)
    count_queries(logged_in_client, reverse("home"), {"call": "366"})
    small = count_queries(logged_in_client, reverse("home"), {"call": "366"})
    demo_generate(count=400, seed=3)
    assert count_queries(logged_in_client, reverse("home"), {"call": "366"}) == small


@pytest.mark.parametrize("name", [spec.export_name for spec in SECTIONS])
def test_export_download_query_count_does_not_grow_with_the_data(logged_in_client, seed, name):
    url = reverse("export-download", args=[name])
    demo_generate(count=20, seed=2)
    count_queries(logged_in_client, url, {"format": "csv"})
    small = count_queries(logged_in_client, url, {"format": "csv"})
    demo_generate(count=400, seed=3)
    assert count_queries(logged_in_client, url, {"format": "csv"}) == small


def test_the_exports_run_on_the_command_line_unscoped(seed):
    start()
    out = io.StringIO()
    call_command(
        "export", "dashboard-calls", "--dialect", "rfc4180", "--filter", "call=432", stdout=out
    )
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines == [
        ["ESF-oproep", "Titel", "Aantal trajecten"],
        ["432", "Doorstroom SE", "<5"],
        ["Totaal", "", "<5"],
    ]


def test_the_funnel_chart_groups_bars_per_status_with_a_legend(logged_in_client, demo):
    _, sections = dashboard(logged_in_client)
    svg = str(sections["dashboard-phases"].chart)
    assert "<title>Trajecten per fase en status</title>" in svg
    for status in ("Lopend", "Afgerond", "Stopgezet"):
        assert f">{status}</text>" in svg
    # one bar per phase and status, each in its status' colour
    assert svg.count('fill="#0b4f8a"') >= 4 and svg.count('fill="#2a7f62"') >= 1


def test_pilots_per_sector_reuse_the_overview(logged_in_client, seed):
    from pilots.models import Pilot

    _, sections = dashboard(logged_in_client, {"call": "366"})  # filters do not apply here
    rows = sections["dashboard-pilots"].rows
    overview = Pilot.objects.overview()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (o["sector"], o["provider"], o["pilots"]) for o in overview
    ]
    assert sum(r[2] for r in rows) == 27


def test_the_dashboard_checks_its_filters_once_for_all_sections(logged_in_client, seed):
    with CaptureQueriesContext(connection) as captured:
        response = logged_in_client.get(reverse("home"), {"call": "366", "province": "Limburg"})
    assert response.status_code == 200 and len(response.context["sections"]) > 2
    call_lookups = [
        q for q in captured.captured_queries if '"mandates_call"."number" = 366' in q["sql"]
    ]
    # Once for every section, and once by each listing a headline figure is counted with (the
    # deadlines and the ledger), so that the number is the one the listing shows.
    assert len(call_lookups) == 3


@pytest.mark.parametrize("params", FILTER_SETS)
@pytest.mark.parametrize("role", [Role.EDITOR, Role.PROVIDER])
def test_fees_owed_and_overdue_phases_are_those_of_the_visible_trajectories(
    make_user, demo, params, role
):
    """The phase sections restrict phases through their trajectory, and the fees are summed
    per quarter: checked against the plain reading (phases whose trajectory is among the
    visible ones of the filters, grouped in Python)."""
    promoter = Mandate.objects.get(project_number=7887).promoter
    user = make_user("kijker", role, organisation=promoter if role is Role.PROVIDER else None)
    fees = get_export("dashboard-fees-owed")(params, user=user)
    # The plain reading, filtered in Python over the demo's few hundred phases (a join in SQL
    # here can meet a nested-loop plan in a test database whose statistics say "empty").
    visible = set(fees.trajectories().values_list("pk", flat=True))
    phases = [p for p in PhaseRecord.objects.order_by() if p.trajectory_id in visible]
    start, end = fees.filters.get("date_from"), fees.filters.get("date_to")
    quarters: dict[str, list] = {}
    for phase in phases:
        if phase.fee_amount is None or (start and phase.end_date < start):
            continue
        if end and phase.end_date > end:
            continue
        day = phase.end_date
        quarter = quarters.setdefault(f"{day.year} K{(day.month - 1) // 3 + 1}", [0, 0])
        quarter[0] += 1
        quarter[1] += phase.fee_amount
    rows = list(fees.rows())
    assert [row[0] for row in rows] == [*sorted(quarters), "Totaal"]
    for label, count, owed in rows[:-1]:
        n = quarters[label][0]
        # "<5" exactly for 1 to 4; a count hidden to protect one is "x"; an amount beside a
        # hidden count is hidden with it.
        assert count == "<5" if 0 < n < 5 else count in (n, "x")
        assert owed == (quarters[label][1] if count == n else "x")
    any_hidden = any(row[1] in ("<5", "x") for row in rows[:-1])
    assert rows[-1][2] == ("x" if any_hidden else sum(a for _, a in quarters.values()))
    overdue = get_export("dashboard-overdue")(params, user=user)
    today = timezone.localdate()
    late = Counter(p.phase for p in phases if p.end_date is None and p.deadline < today)
    shown = {row[0]: row[1] for row in overdue.rows()}
    for phase in Phase:
        n = late[phase]
        assert (
            (shown[str(phase.label)] == "<5") if 0 < n < 5 else shown[str(phase.label)] in (n, "x")
        )
    if not params and role is Role.EDITOR:  # the demo data has something in both sections
        assert len(quarters) > 4 and sum(late.values()) > 5
