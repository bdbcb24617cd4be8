"""The top of the dashboard: headline figures that the listings they link to confirm, each
role's to-do, the trends over twelve quarters, and sections that name columns by header."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.charts import Series, column_chart, nice_step
from doorstroom.dashboard import SECTIONS, DashboardColumnError
from doorstroom.dashboard.sections import english_header
from doorstroom.dashboard.trends import quarters_until
from doorstroom.exports import get_export
from doorstroom.formatting import format_count
from payments.states import ClaimStatus
from questions.models import ParliamentaryQuestion
from tests.factories.payments import CHECKED, claim_in, payment_people
from tests.queries import count_queries
from trajectories.demo import demo_generate
from trajectories.exports.dashboard import PhaseFunnelExport
from trajectories.models import PhaseRecord, Trajectory


@pytest.fixture
def people(make_user, seed):
    return payment_people(make_user)


@pytest.fixture
def demo(seed):
    demo_generate(count=200, seed=1)


def question(number: int, deadline: dt.date | None, status: str = "received"):
    return ParliamentaryQuestion.objects.create(
        number=number,
        date=dt.date(2026, 1, 5),
        asked_by="Jan Peeters",
        addressed_to="Minister van Werk",
        subject=f"Vraag {number}",
        status=status,
        deadline=deadline,
    )


def running_by_hand(user, params: dict) -> int:
    running = Trajectory.objects.visible_to(user).filter(status="lopend")
    if "call" in params:
        running = running.filter(mandate__call__number=params["call"])
    if "province" in params:
        running = running.filter(mandate__provinces__name=params["province"])
    return running.count()


def top(client, params=None):
    response = client.get(reverse("home"), params or {})
    assert response.status_code == 200
    return response, {tile.key: tile for tile in response.context["tiles"]}


def listing_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


@pytest.mark.parametrize("role", ["editor", "provider", "provincial", "finance"])
@pytest.mark.parametrize("params", [{}, {"call": "366", "province": "Limburg"}])
def test_each_headline_figure_is_the_number_its_listing_shows(client, people, demo, role, params):
    client.force_login(people[role])
    _, tiles = top(client, params)
    running = tiles["running"]
    assert listing_count(client, running.url) == running.value
    assert running.value == running_by_hand(people[role], params)
    deadlines = tiles["deadlines"]
    assert listing_count(client, deadlines.url) == deadlines.value
    past = int(re.match(r"\d+", str(deadlines.note)).group())
    overdue = deadlines.url + ("&" if "?" in deadlines.url else "?") + "only_overdue=on"
    assert listing_count(client, overdue) == past
    if not params and role == "editor":  # the demo data has some of each
        assert deadlines.value > past > 0 and running.value > 0
    fees = client.get(tiles["fees"].url)
    assert fees.context["totals"]["owed"] in (tiles["fees"].value, None)
    if role in ("editor", "finance"):
        assert listing_count(client, tiles["questions"].url) == tiles["questions"].value
    else:  # the questions are not their pages
        assert "questions" not in tiles


def test_a_provider_counts_only_its_own(client, people, demo):
    client.force_login(people["provider"])
    _, own = top(client)
    client.force_login(people["editor"])
    _, every = top(client)
    assert 0 < own["running"].value < every["running"].value
    assert own["deadlines"].value < every["deadlines"].value


def test_the_analyst_sees_the_published_figures_and_no_internal_tile(client, people, demo):
    client.force_login(people["analyst"])
    response, tiles = top(client)
    assert set(tiles) == {"running", "fees", "questions"}  # no today's overdue phases
    phases = response.context["sections"][0]
    assert phases.name == "dashboard-phases"
    total = next(row for row in phases.rows if row[0] == "Totaal")
    assert tiles["running"].value == total[1] and tiles["running"].url == "#dashboard-phases"
    assert tiles["fees"].url == "#dashboard-fees-paid"
    body = response.content.decode()
    assert "/trajecten/termijnen/" not in body and "/betalingen/grootboek/" not in body


def test_the_analysts_running_figure_is_protected(client, people, seed):
    from tests.test_doorstroom_dashboard import start

    start()
    client.force_login(people["analyst"])
    _, tiles = top(client)
    assert tiles["running"].value == "<5"


def test_questions_due_are_those_open_within_14_days_or_past(client, people, seed):
    today = timezone.localdate()
    ParliamentaryQuestion.objects.all().delete()
    due = [question(1, today + dt.timedelta(days=14)), question(2, today - dt.timedelta(days=3))]
    question(3, today + dt.timedelta(days=15))
    question(4, today + dt.timedelta(days=2), status="answered")
    question(5, None)
    client.force_login(people["editor"])
    response, tiles = top(client)
    assert tiles["questions"].value == 2
    assert listing_count(client, tiles["questions"].url) == 2
    group = next(g for g in response.context["todo"] if g.key == "questions")
    assert [item.url for item in group.items] == [
        due[1].get_absolute_url(),
        due[0].get_absolute_url(),
    ]
    assert group.items[0].late and not group.items[1].late


def todo(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    return response, {g.key: g for g in response.context["todo"]}


def test_each_role_sees_what_it_can_act_on(client, people, seed):
    submitted = claim_in(ClaimStatus.SUBMITTED, people)
    checked = claim_in(CHECKED, people, project_number=7889)
    _, provider = todo(client, people["provider"])
    assert set(provider) == {"phases"}
    _, editor = todo(client, people["editor"])
    assert set(editor) == {"questions", "imports", "claims-check"}
    assert [i.url for i in editor["claims-check"].items] == [submitted.get_absolute_url()]
    _, finance = todo(client, people["finance"])
    assert set(finance) == {"claims-decision", "claims-payment"}
    assert [i.url for i in finance["claims-decision"].items] == [checked.get_absolute_url()]
    assert finance["claims-payment"].count == 0
    # Each count is what the claims page shows with the group's link.
    for group in (editor["claims-check"], finance["claims-decision"]):
        assert listing_count(client, group.url) == group.count == 1
    _, provincial = todo(client, people["provincial"])
    assert set(provincial) == {"phases", "claims-check"}


def test_a_provider_is_shown_its_phases_that_need_a_step(client, people, demo):
    response, groups = todo(client, people["provider"])
    phases = groups["phases"]
    visible = PhaseRecord.objects.visible_to(people["provider"])
    assert phases.count == visible.near_or_past_deadline().count() > 0
    for item in phases.items:
        pk = int(item.url.strip("/").split("/")[-1])
        assert visible.filter(trajectory_id=pk).exists()
    body = response.content.decode()
    assert 'id="todo-phases"' in body and phases.items[0].url in body


def test_an_empty_to_do_says_so(client, people, seed):
    response, groups = todo(client, people["finance"])
    assert all(group.count == 0 for group in groups.values())
    assert "Er wacht vandaag niets op u." in response.content.decode()


@pytest.mark.parametrize("role", ["provider", "finance", "analyst", "administrator"])
def test_the_query_count_does_not_grow_with_the_data(client, people, role):
    client.force_login(people[role])
    demo_generate(count=20, seed=2)
    count_queries(client, reverse("home"))
    small = count_queries(client, reverse("home"))
    demo_generate(count=300, seed=3)
    assert count_queries(client, reverse("home")) == small


def test_every_section_names_columns_its_export_has():
    for spec in SECTIONS:
        export = get_export(spec.export_name)({})
        header = english_header(export)
        assert set(spec.labels + spec.values + spec.amounts) <= set(header), spec.export_name


def test_a_renamed_header_stops_the_dashboard_and_says_which(logged_in_client, seed, monkeypatch):
    original = PhaseFunnelExport.header

    def renamed(self):
        names = list(original(self))
        names[1] = "Ongoing"  # was "Running"
        return names

    monkeypatch.setattr(PhaseFunnelExport, "header", renamed)
    with pytest.raises(DashboardColumnError, match=r"'Running' of the export 'dashboard-phases'"):
        logged_in_client.get(reverse("home"))


def test_a_moved_column_is_still_found_by_its_header(logged_in_client, seed, monkeypatch):
    """Columns swapped in the export move with their header: the bars follow the names."""
    original_header, original_rows = PhaseFunnelExport.header, PhaseFunnelExport.rows
    monkeypatch.setattr(
        PhaseFunnelExport,
        "header",
        lambda self: [original_header(self)[i] for i in (0, 3, 1, 2, 4)],
    )
    monkeypatch.setattr(
        PhaseFunnelExport,
        "rows",
        lambda self: ([row[i] for i in (0, 3, 1, 2, 4)] for row in original_rows(self)),
    )
    response = logged_in_client.get(reverse("home"))
    section = response.context["sections"][0]
    assert section.value_columns == (2, 3, 1)  # Running, Completed, Stopped where they now are


def test_the_trend_covers_the_last_twelve_quarters(logged_in_client, demo):
    response = logged_in_client.get(reverse("home"))
    trends = response.context["trends"]
    assert [t.title for t in trends] == [
        "Verschuldigde en betaalde vergoedingen per kwartaal",
        "Afgeronde fasen per kwartaal",
    ]
    year, quarter = timezone.localdate().year, (timezone.localdate().month - 1) // 3 + 1
    assert trends[0].last == f"{year} K{quarter}"
    svg = str(trends[1].chart)
    assert svg.count(">K1</text>") == 3 and "style=" not in svg
    # Every quarter of the window with completed phases has its column, of its count.
    section = next(s for s in response.context["sections"] if s.name == "dashboard-fees-paid")
    rows = dict(zip(section.export.quarter_keys(), section.rows, strict=False))
    window = quarters_until((year, quarter))
    counted = [(q, rows[q][1]) for q in window if q in rows and isinstance(rows[q][1], int)]
    assert len(counted) > 4
    for (y, q), n in counted:
        assert f"<title>Aantal afgeronde fasen, K{q} {y}: {format_count(n)}</title>" in svg


def test_quarters_until_runs_over_years():
    assert quarters_until((2026, 2), 6) == [
        (2025, 1),
        (2025, 2),
        (2025, 3),
        (2025, 4),
        (2026, 1),
        (2026, 2),
    ]


def test_a_column_chart_has_axes_ticks_a_legend_that_fits_and_marks_for_hidden_counts():
    svg = str(
        column_chart(
            "Vergoedingen",
            [("K1", "2025"), ("K2", "2025"), ("K3", "2025")],
            [
                Series("Verschuldigd (EUR)", [100, "<5", 40]),
                Series("Betaald (EUR)", [80, "x", None]),
            ],
        )
    )
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    for name in ("Verschuldigd (EUR)", "Betaald (EUR)"):
        x = float(re.search(rf'<text x="([\d.]+)"[^>]*>{re.escape(name)}</text>', svg).group(1))
        assert x + 8 * len(name) <= width, name
    assert ">2025</text>" in svg and svg.count(">2025</text>") == 1  # the year once, under K1
    assert ">K2</text>" in svg and ">0</text>" in svg and ">100</text>" in svg  # ticks 0..100
    assert "&lt;5" in svg and ">x<title>" in svg
    assert svg.count("<rect") == 2 + 3  # the legend's two swatches, three columns with a value
    assert "style=" not in svg and "<script" not in svg


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (3, 1), (10, 5), (95, 50), (5950, 2000)])
def test_gridlines_fall_on_round_numbers(largest, step):
    assert nice_step(largest) == step
