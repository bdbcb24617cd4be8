"""The exports fees, trajectory-stats, provider-statement and trajectories."""

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from doorstroom.exports import ExportError, get_export
from doorstroom.roles import Role
from mandates.models import Call, Mandate, MandateProvince, Province
from tests.factories.mandates import OrganisationFactory
from trajectories.demo import demo_generate
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create
from trajectories.statistics import trajectory_counts


def run_export(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("export", *args, "--dialect", "rfc4180", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_fees_export_reproduces_answer_1c(seed):
    rows = run_export("fees")
    assert rows == [
        ["Fase", "Maximale duur (maanden)", "Vergoeding (EUR)"],
        ["Voortraject", "1", "420.00"],
        ["Job matching", "3", "1260.00"],
        ["Stage", "3", "1260.00"],
        ["Nazorg", "3", "1260.00"],
        ["Totaal", "", "4200.00"],
    ]


def test_fees_export_at_a_date_shows_indexed_amounts_and_the_index_used(seed):
    rows = run_export("fees", "--filter", "date=2024-06-01")
    assert rows[0][3:] == [
        "Geïndexeerde vergoeding op 01/06/2024 (EUR)",
        "Indexmaand",
        "Gezondheidsindex indexmaand",
        "Basismaand",
        "Gezondheidsindex basismaand",
    ]
    # 420 x 129.14 / 106.05 and 1260 x 129.14 / 106.05; the cap 4200 x 129.14 / 106.05.
    assert rows[1] == [
        *("Voortraject", "1", "420.00", "511.45"),
        *("2024-01", "129.14", "2018-01", "106.05"),
    ]
    assert rows[3][:4] == ["Stage", "3", "1260.00", "1534.34"]
    assert rows[5][:4] == ["Totaal", "", "4200.00", "5114.46"]


def test_fees_export_names_a_missing_index_month(seed):
    with pytest.raises(CommandError, match="01/2027"):
        run_export("fees", "--filter", "date=2027-03-01")
    with pytest.raises(ExportError, match="Ongeldige filter"):
        get_export("fees")({"date": "gisteren"})


def make_trajectory(*, mandate, start, complete_phases=0, name="Sofie", insz=None):
    """A trajectory with `complete_phases` phases completed (25 days each), then the next begun."""
    worker = worker_create(first_name=name, last_name="Verbeke", insz=insz)
    trajectory = trajectory_start(
        worker=worker, mandate=mandate, origin_employer=OrganisationFactory(), start_date=start
    )
    day = start
    for number in range(complete_phases):
        if number:
            phase_start(trajectory=trajectory, start_date=day)
        day += dt.timedelta(days=25)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("30"), outcome="ja")
    if 0 < complete_phases < 4:
        phase_start(trajectory=trajectory, start_date=day)
    trajectory.refresh_from_db()
    return trajectory


def stats(*filters: str) -> dict[tuple[str, str], str]:
    rows = run_export("trajectory-stats", *[f"--filter={f}" for f in filters])
    assert rows[0] == ["Indeling", "Waarde", "Aantal trajecten"]
    return {(row[0], row[1]): row[2] for row in rows[1:]}


def test_trajectory_stats_count_per_call_province_phase_status_with_small_counts_hidden(seed):
    limburg_432 = Mandate.objects.get(project_number=7887)  # call 432, Limburg
    unknown_366 = Mandate.objects.get(project_number=6441)  # call 366, province unknown
    for i in range(6):
        make_trajectory(mandate=limburg_432, start=dt.date(2019, 1, 7 + i), complete_phases=1)
    for i in range(3):
        make_trajectory(mandate=unknown_366, start=dt.date(2019, 2, 4 + i))
    make_trajectory(mandate=unknown_366, start=dt.date(2021, 1, 4))

    counts = stats("date_from=2019-01-01", "date_to=2019-12-31")
    assert counts[("ESF-oproep", "432 Doorstroom SE")] == "6"
    assert counts[("ESF-oproep", "366 Doorstroom LDE")] == "<5"
    assert counts[("ESF-oproep", "380 Doorstroom BW/SW")] in ("0", "x")
    assert counts[("Provincie", "Limburg")] == "6"
    assert counts[("Provincie", "onbekend")] == "<5"
    assert counts[("Fase", "Job matching")] == "6"
    assert counts[("Fase", "Voortraject")] == "<5"
    # The total is published (9 is not fewer than five); the 3 of call 366 is protected by
    # hiding other cells of its breakdowns ("x"), not the total.
    assert counts[("Totaal", "alle trajecten")] == "9"
    calls = [v for (group, _), v in counts.items() if group == "ESF-oproep"]
    assert "x" in calls

    assert stats("call=366")[("Totaal", "alle trajecten")] == "<5"
    assert stats("province=Limburg")[("Totaal", "alle trajecten")] == "6"
    assert stats("province=onbekend", "date_from=2019-01-01")[("Totaal", "alle trajecten")] == (
        "<5"
    )
    with pytest.raises(CommandError, match=r"province: .*Atlantis"):
        stats("province=Atlantis")


def test_trajectory_stats_and_statement_hold_no_personal_data(seed):
    mandate = Mandate.objects.get(project_number=7887)
    trajectory = make_trajectory(
        mandate=mandate, start=dt.date(2019, 1, 7), complete_phases=2, insz="85073003328"
    )
    for name in ("trajectory-stats", "provider-statement"):
        text = "\n".join(",".join(row) for row in run_export(name))
        assert trajectory.worker.reference not in text
        assert "Sofie" not in text and "Verbeke" not in text
        assert "85073003328" not in text


def test_provider_statement_lists_completed_phases_with_index_and_totals(seed):
    limburg = Mandate.objects.get(project_number=7887)
    gent = Mandate.objects.get(project_number=6454)
    # Voortraject 2019-01-07..2019-02-01, Job matching ..2019-02-26, both at the 2019 index.
    make_trajectory(mandate=limburg, start=dt.date(2019, 1, 7), complete_phases=2)
    make_trajectory(mandate=limburg, start=dt.date(2019, 3, 4), complete_phases=1)
    make_trajectory(mandate=gent, start=dt.date(2024, 3, 4), complete_phases=1)
    make_trajectory(mandate=gent, start=dt.date(2024, 4, 1))  # running: owes nothing yet

    rows = run_export("provider-statement")
    header, body = rows[0], rows[1:]
    assert header[4:] == [
        "Fase",
        "Indexmaand",
        "Gezondheidsindex",
        "Basisindex",
        "Aantal afgeronde fasen",
        "Vergoeding (EUR)",
        "Betaald (EUR)",
    ]
    # 2019: 420 x 108.42 / 106.05 = 429.39 and 1260 x 108.42 / 106.05 = 1288.16;
    # 2024: 420 x 129.14 / 106.05 = 511.45.
    assert body == [
        ["6454", "Uitstroom Lokale Diensteneconomie", "Stad Gent - Dienst Werk", "366",
         "Voortraject", "2024-01", "129.14", "106.05", "1", "511.45", "0.00"],
        ["6454", "Uitstroom Lokale Diensteneconomie", "Stad Gent - Dienst Werk", "366",
         "Totaal", "", "", "", "1", "511.45", "0.00"],
        ["7887", "Doorstroom Sociale Economie Limburg", "EMINO", "432",
         "Voortraject", "2019-01", "108.42", "106.05", "2", "858.78", "0.00"],
        ["7887", "Doorstroom Sociale Economie Limburg", "EMINO", "432",
         "Job matching", "2019-01", "108.42", "106.05", "1", "1288.16", "0.00"],
        ["7887", "Doorstroom Sociale Economie Limburg", "EMINO", "432",
         "Totaal", "", "", "", "3", "2146.94", "0.00"],
        ["", "Totaal alle mandaten", "", "", "", "", "", "", "4", "2658.39", "0.00"],
    ]  # fmt: skip

    only_2024 = run_export("provider-statement", "--filter", "date_from=2024-01-01")
    assert only_2024[-1][-3:] == ["1", "511.45", "0.00"]
    only_limburg = run_export("provider-statement", "--filter", "mandate=7887")
    assert only_limburg[-1][-3:] == ["3", "2146.94", "0.00"]


def test_trajectories_export_follows_the_listing_filters_and_shows_only_the_reference(seed):
    mandate = Mandate.objects.get(project_number=7887)
    done = make_trajectory(
        mandate=mandate, start=dt.date(2019, 1, 7), complete_phases=4, insz="85073003328"
    )
    running = make_trajectory(
        mandate=Mandate.objects.get(project_number=6441), start=dt.date(2020, 1, 6)
    )
    rows = run_export("trajectories")
    assert rows[0][0] == "Referentie werknemer"
    references = [row[0] for row in rows[1:]]
    # In the order of registration (streamed from the key index), not the listing's.
    assert references == [done.worker.reference, running.worker.reference]
    text = "\n".join(",".join(row) for row in rows)
    assert "Sofie" not in text and "Verbeke" not in text and "85073003328" not in text

    completed = run_export("trajectories", "--filter", "status=afgerond")
    assert [row[0] for row in completed[1:]] == [done.worker.reference]
    assert completed[1][8:10] == ["afgerond", "Nazorg"]
    assert run_export("trajectories", "--filter", "call=366")[1][0] == running.worker.reference
    assert len(run_export("trajectories", "--filter", "phase=4")) == 2


def test_trajectory_stats_total_stays_when_no_cell_can_be_recovered(seed):
    for project_number in (7887, 6441):  # calls 432 and 366, six trajectories each
        mandate = Mandate.objects.get(project_number=project_number)
        for i in range(6):
            make_trajectory(mandate=mandate, start=dt.date(2019, 1, 7 + i), complete_phases=1)
    counts = stats("date_from=2019-01-01", "date_to=2019-12-31")
    assert counts[("Fase", "nog geen fase gestart")] == "0"
    assert counts[("Totaal", "alle trajecten")] == "12"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"call": "366"},
        {"province": "Limburg"},
        {"province": "onbekend"},
        {"date_from": "2021-01-01", "date_to": "2022-12-31"},
    ],
)
@pytest.mark.parametrize("scope", ["everything", "provider", "provincial", "no scope"])
def test_trajectory_stats_counts_equal_a_count_of_the_trajectories_one_by_one(
    make_user, seed, params, scope
):
    """The single statement behind trajectory-stats, on the summary per month, against counting
    the visible trajectories in Python: every call and province listed in order (at 0 too), a
    mandate in two provinces counted in both, one without any under None."""
    demo_generate(count=300, seed=1)
    limburg = Mandate.objects.get(project_number=7887)
    # The source names no mandate in two provinces; one is made here to count in both.
    MandateProvince.objects.create(mandate=limburg, province=Province.objects.get(name="Antwerpen"))
    promoter = limburg.promoter
    role, extra = {
        "everything": (Role.EDITOR, {}),
        "provider": (Role.PROVIDER, {"organisation": promoter}),
        "provincial": (Role.PROVINCIAL, {"province": Province.objects.get(name="Limburg")}),
        "no scope": (Role.PROVINCIAL, {}),
    }[scope]
    export = get_export("trajectory-stats")(params, user=make_user("kijker", role, **extra))
    # Counted one by one from the trajectories, against the summary the database keeps.
    visible = list(export.started_trajectories().prefetch_related("mandate__provinces"))
    if scope == "no scope":
        assert not visible
    elif not params:  # every other scope sees 7887's trajectories, in two provinces
        assert any(len(t.mandate.provinces.all()) > 1 for t in visible)

    counts = trajectory_counts(export.started())
    # The same statement on the trajectories themselves (a period of days) counts the same.
    from_rows = trajectory_counts(export.started_trajectories())
    assert {k: sorted(v, key=repr) for k, v in from_rows.items()} == {
        k: sorted(v, key=repr) for k, v in counts.items()
    }

    assert counts["call"] == [
        (call.number, call.title, sum(t.mandate.call_id == call.pk for t in visible))
        for call in Call.objects.all()
    ]
    per_province = [
        (p.name, None, sum(p in t.mandate.provinces.all() for t in visible))
        for p in Province.objects.all()
    ]
    unknown = sum(not t.mandate.provinces.all() for t in visible)
    assert counts["province"] == per_province + ([(None, None, unknown)] if unknown else [])
    assert {k: n for k, _, n in counts["phase"]} == Counter(t.current_phase for t in visible)
    assert {k: n for k, _, n in counts["status"]} == Counter(t.status for t in visible)
