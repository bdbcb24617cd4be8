"""The auditor (tests/disclosure_auditor.py) against what the application publishes: generated
tables, every month and quarter of demo data, and the four attacks that once worked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doorstroom.disclosure import PROTECTED, SUPPRESSED, Table, key, protect
from doorstroom.disclosure.publishing import publish_together
from doorstroom.exports import ExportError, get_export, iter_csv_rows
from doorstroom.roles import Role
from mandates.models import Mandate
from tests.disclosure_auditor import Published, audit_protection, findings
from tests.test_trajectories_exports import make_trajectory
from trajectories.demo import demo_generate
from trajectories.models import Trajectory

T = key()
counts = st.integers(min_value=0, max_value=12) | st.integers(min_value=0, max_value=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(counts, min_size=2, max_size=5), min_size=1, max_size=3), st.data())
def test_several_breakdowns_of_one_total_hold_against_the_auditor(breakdowns, data):
    """As trajectory-stats: breakdowns of the same trajectories, adding up to the same total."""
    total = sum(breakdowns[0])
    table = Table(cells={T: total})
    for number, parts in enumerate(breakdowns):
        # Every breakdown adds up to the total: the last part takes up the difference.
        rest = total - sum(parts[:-1])
        parts = [*parts[:-1], rest] if rest >= 0 else data.draw(st.just(breakdowns[0]))
        table.breakdown(T, {key(by=number, part=i): v for i, v in enumerate(parts)})
    protection = protect([table])
    audit_protection([table], protection)
    assert protection.shown(T) != SUPPRESSED or 0 < total < 5


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_grids_with_margins_hold_against_the_auditor(rows, columns, data):
    values = {(r, c): data.draw(counts) for r in range(rows) for c in range(columns)}
    table = Table(cells={T: sum(values.values())})
    table.breakdown(T, {key(r=r): sum(values[r, c] for c in range(columns)) for r in range(rows)})
    table.breakdown(T, {key(c=c): sum(values[r, c] for r in range(rows)) for c in range(columns)})
    for r in range(rows):
        table.breakdown(key(r=r), {key(r=r, c=c): values[r, c] for c in range(columns)})
    for c in range(columns):
        table.breakdown(key(c=c), {key(r=r, c=c): values[r, c] for r in range(rows)})
    audit_protection([table], protect([table]))


def test_the_issues_one_table_attack_fails():
    """trajectory-stats for one month: calls 6 + 0 + 6 + 7 = 19, phases Nazorg 18 and Job
    matching 1. Printing the total as "<5" gave the 1 away; now it is protected."""
    calls = {key(call=c): n for c, n in zip((366, 380, 390, 432), (6, 0, 6, 7), strict=True)}
    phases = {key(phase=p): n for p, n in zip((1, 2, 3, 4), (0, 1, 0, 18), strict=True)}
    table = Table(cells={T: 19})
    table.breakdown(T, calls)
    table.breakdown(T, phases)
    protection = protect([table])
    assert protection.shown(T) == 19 and protection.shown(key(phase=2)) == SUPPRESSED
    audit_protection([table], protection)
    # The auditor sees the old way's flaw: the 1 pinned down from the calls and Nazorg.
    # (Its "<5" total was no count of 1 to 4: read as any value, it is 19 from the calls.)
    old = {**calls, **phases, T: PROTECTED, key(phase=2): SUPPRESSED}
    relations = [(T, tuple(calls), True), (T, tuple(phases), True)]
    pinned = {f.cell: (f.least, f.greatest) for f in findings([Published(old, relations)])}
    assert pinned == {T: (19, 19), key(phase=2): (1, 1)}


def test_the_auditor_takes_tables_published_earlier():
    now = Published(
        {T: 10, key(p=1): SUPPRESSED, key(p=2): PROTECTED}, [(T, (key(p=1), key(p=2)), True)]
    )
    assert not findings([now])
    earlier = Published({key(p=2): 7})  # an earlier answer printed the other cell
    assert [f.cell for f in findings([now], earlier=[earlier])] == [key(p=1)]


@pytest.fixture
def demo_few(seed):
    demo_generate(count=200, seed=7)


def periods(first: dt.date, last: dt.date):
    """Every month and every quarter from `first` to `last`."""
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        yield month, following - dt.timedelta(days=1)
        if month.month in (1, 4, 7, 10):
            quarter_end = (month + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
            yield month, quarter_end
        month = following


def test_every_month_and_quarter_of_demo_data_holds_against_the_auditor(demo_few):
    """trajectory-stats and the dashboard's tables of one period, read together."""
    dates = Trajectory.objects.order_by("start_date").values_list("start_date", flat=True)
    checked = 0
    for start, end in periods(dates.first(), dates.last()):
        filters = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        exports = [get_export("trajectory-stats")(filters)]
        exports += [get_export(name)(filters) for name in ("dashboard-phases", "dashboard-calls")]
        exports += [get_export(n)(filters) for n in ("dashboard-outcomes", "dashboard-fees-owed")]
        joint = publish_together(exports)
        tables = [t for export in exports for t in export.disclosure_tables()]
        audit_protection(tables, joint)
        stats = list(exports[0].rows())
        total = exports[0].started_counts().total_count
        # No total of five or more is ever printed as "<5".
        assert stats[-1][2] == (SUPPRESSED if 0 < total < 5 else total) or stats[-1][2] == "x"
        checked += 1
    assert checked > 100


def test_amounts_beside_a_hidden_count_are_hidden(seed):
    """dashboard-fees-owed: "<5" phases beside EUR 420,00 gave one Voortraject away."""
    mandate = Mandate.objects.get(project_number=7887)
    for day in range(6):
        make_trajectory(mandate=mandate, start=dt.date(2019, 1, 7 + day), complete_phases=1)
    make_trajectory(mandate=mandate, start=dt.date(2019, 6, 3), complete_phases=1)
    rows = list(get_export("dashboard-fees-owed")({"date_from": "2019-01-01"}).rows())
    by_quarter = {row[0]: row[1:] for row in rows}
    assert by_quarter["2019 K2"] == [SUPPRESSED, PROTECTED]
    # K1 (6 phases) is all that could protect it: hidden too, with its amount and the total's.
    assert by_quarter["2019 K1"] == [PROTECTED, PROTECTED]
    assert by_quarter["Totaal"] == [7, PROTECTED]
    for label, (count, owed) in by_quarter.items():
        if label != "Totaal":
            assert isinstance(owed, Decimal) == isinstance(count, int)


@pytest.mark.parametrize("export_name", ["trajectory-stats", "dashboard-calls"])
def test_a_period_that_is_not_whole_months_is_refused(seed, export_name):
    """dashboard-calls up to 29/01/2019 and up to 30/01/2019 differed by one trajectory."""
    with pytest.raises(ExportError, match="hele maanden"):
        get_export(export_name)({"date_to": "2019-01-30"})
    with pytest.raises(ExportError, match="eerste dag van een maand"):
        get_export(export_name)({"date_from": "2019-01-02"})
    get_export(export_name)({"date_from": "2019-01-01", "date_to": "2019-03-31"})


def test_the_dashboard_refuses_a_day_precise_period_with_a_clear_error(logged_in_client, seed):
    response = logged_in_client.get(reverse("home"), {"date_to": "29/01/2019"})
    assert response.status_code == 400
    assert "hele maanden" in response.content.decode()
    assert logged_in_client.get(reverse("home"), {"date_to": "31/01/2019"}).status_code == 200


def test_the_provider_statement_keeps_day_precision(seed):
    get_export("provider-statement")({"date_from": "2019-01-02", "date_to": "2019-01-29"})


def test_the_hours_page_hides_a_single_trajectory_and_its_hours(client, seed, make_user):
    """An analyst saw 1 trajectory with 150 hours on /trajecten/uren/."""
    make_trajectory(
        mandate=Mandate.objects.get(project_number=7887),
        start=dt.date(2019, 1, 7),
        complete_phases=4,
    )
    client.force_login(make_user("analist", Role.ANALYST))
    response = client.get(reverse("trajectories:hours"))
    row = next(r for r in response.context["table"].data if r["project_number"] == 7887)
    assert row["trajectory_count"] == SUPPRESSED and row["completed_count"] == SUPPRESSED
    assert row["hours_total"] == PROTECTED and row["hours_per_completed"] == PROTECTED
    body = response.content.decode()
    assert "120,0" not in body and "een aantal van 1 tot 4" in body
    assert "Exacte cijfers" not in body


def test_staff_who_see_the_trajectories_see_the_exact_hours(logged_in_client, seed):
    """An editor sees the trajectory itself in the listing: hiding its count here hides
    nothing from them. The page says its figures are for internal use."""
    make_trajectory(
        mandate=Mandate.objects.get(project_number=7887),
        start=dt.date(2019, 1, 7),
        complete_phases=4,
    )
    response = logged_in_client.get(reverse("trajectories:hours"))
    row = next(r for r in response.context["table"].data if r["project_number"] == 7887)
    assert (row["trajectory_count"], row["completed_count"]) == (1, 1)
    assert row["hours_total"] == row["hours_per_completed"] > 0
    body = response.content.decode()
    assert "een aantal van 1 tot 4" not in body and "Exacte cijfers" in body
    sorted_page = logged_in_client.get(reverse("trajectories:hours"), {"sort": "-hours_total"})
    assert sorted_page.status_code == 200


def test_the_hours_page_sorts_by_what_it_shows(logged_in_client, seed):
    mandate = Mandate.objects.get(project_number=7887)
    make_trajectory(mandate=mandate, start=dt.date(2019, 1, 7), complete_phases=4)
    for column in ("trajectory_count", "-completed_count", "hours_total", "hours_per_completed"):
        response = logged_in_client.get(reverse("trajectories:hours"), {"sort": column})
        assert response.status_code == 200, column


def test_the_marks_are_explained_under_the_xlsx_and_the_dashboard(logged_in_client, seed):
    from io import BytesIO

    from openpyxl import load_workbook

    from doorstroom.exports import export_bytes

    mandate = Mandate.objects.get(project_number=7887)
    make_trajectory(mandate=mandate, start=dt.date(2019, 1, 7), complete_phases=1)
    sheet = load_workbook(BytesIO(export_bytes(get_export("dashboard-calls")({}), "xlsx"))).active
    texts = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert any(str(t).startswith("<5: een aantal van 1 tot 4") for t in texts)
    body = logged_in_client.get(reverse("home")).content.decode()
    assert "een aantal van 1 tot 4" in body or "a count of 1 to 4" in body


def test_an_answer_packs_linked_tables_are_protected_together(seed, user):
    """trajectory-stats and dashboard-phases of the same filters share their margins: the pack
    protects them as one system, and its HTML explains the marks."""
    from questions.models import AnswerTable, ParliamentaryQuestion, SubQuestion
    from questions.services import answer_pack_generate, answer_pack_html

    question = ParliamentaryQuestion.objects.get(number=35)
    sub = SubQuestion.objects.get(question=question, label="1b")
    for name in ("trajectory-stats", "dashboard-phases"):
        AnswerTable.objects.create(subquestion=sub, export_name=name, filters={})
    limburg, unknown = (Mandate.objects.get(project_number=n) for n in (7887, 6441))
    for day in range(6):
        make_trajectory(mandate=limburg, start=dt.date(2019, 1, 7 + day), complete_phases=1)
    for day in range(3):
        make_trajectory(mandate=unknown, start=dt.date(2019, 2, 4 + day))
    pack = answer_pack_generate(question=question, user=user)
    exports = [get_export(n)({}) for n in ("trajectory-stats", "dashboard-phases")]
    joint = publish_together(exports)
    audit_protection([t for e in exports for t in e.disclosure_tables()], joint)
    stored = {t.export_name: t.content for t in pack.tables.all()}
    for export in exports:  # the pack holds the jointly protected rows
        csv = "".join(iter_csv_rows(export.header(), export.rows(), "rfc4180"))
        assert stored[export.name] == csv
    html = answer_pack_html(pack=pack)
    assert "een aantal van 1 tot 4" in html and "x: niet getoond" in html
