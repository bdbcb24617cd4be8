"""The Trajecten pages, the admin, and their query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.roles import Role
from mandates.models import Mandate
from tests.factories.mandates import OrganisationFactory
from tests.queries import count_queries
from trajectories.demo import demo_generate
from trajectories.models import PhaseRecord, Trajectory
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create


def start(*, mandate_number=7887, start_date, insz=None, first_name="Sofie") -> Trajectory:
    worker = worker_create(first_name=first_name, last_name="Verbeke", insz=insz)
    return trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=mandate_number),
        origin_employer=OrganisationFactory(name=f"Maatwerkbedrijf {worker.reference}"),
        start_date=start_date,
    )


def listed(response) -> list[str]:
    return [row.record.worker.reference for row in response.context["table"].paginated_rows]


@pytest.fixture
def cases(seed):
    """A running overdue Voortraject, one near its maximum, and a completed trajectory."""
    today = timezone.localdate()
    overdue = start(start_date=today - dt.timedelta(days=45), insz="85073003328")
    near = start(mandate_number=6441, start_date=today - dt.timedelta(days=20))
    done = start(mandate_number=6441, start_date=dt.date(2024, 1, 8))
    phase_complete(trajectory=done, end_date=dt.date(2024, 2, 5), hours=Decimal("14"))
    for begin, end in [
        (dt.date(2024, 2, 5), dt.date(2024, 5, 1)),
        (dt.date(2024, 5, 2), dt.date(2024, 8, 1)),
        (dt.date(2024, 8, 1), dt.date(2024, 10, 31)),
    ]:
        phase_start(trajectory=done, start_date=begin)
        phase_complete(trajectory=done, end_date=end, hours=Decimal("40.5"))
    return {"overdue": overdue, "near": near, "done": done}


def test_listing_shows_references_never_names_or_insz(logged_in_client, cases):
    response = logged_in_client.get(reverse("trajectories:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Trajecten</h1>" in body
    for trajectory in cases.values():
        assert trajectory.worker.reference in body
    assert "Sofie" not in body and "Verbeke" not in body and "85073003328" not in body
    assert "€ 5.114,46" in body  # the completed trajectory's fees, capped
    assert "/exports/trajectories/?format=csv" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "afgerond"}, ["done"]),
        ({"status": "lopend"}, ["near", "overdue"]),
        ({"call": "366"}, ["done", "near"]),
        ({"mandate": "7887"}, ["overdue"]),
        ({"province": "Limburg"}, ["overdue"]),
        ({"province": "onbekend"}, ["done", "near"]),
        ({"phase": "4"}, ["done"]),
        ({"phase": "1"}, ["near", "overdue"]),
        ({"overdue": "true"}, ["overdue"]),
        ({"overdue": "false"}, ["done", "near"]),
        ({"started_to": "2024-12-31"}, ["done"]),
        ({"ended_from": "2024-10-01", "ended_to": "2024-10-31"}, ["done"]),
        ({"ended_to": "2024-10-30"}, []),
    ],
)
def test_listing_filters(logged_in_client, cases, params, expected):
    response = logged_in_client.get(reverse("trajectories:list"), params)
    assert sorted(listed(response)) == sorted(cases[name].worker.reference for name in expected)


def test_invalid_filter_explains_instead_of_failing(logged_in_client, cases):
    response = logged_in_client.get(reverse("trajectories:list"), {"mandate": "1"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_detail_shows_the_phase_timeline_deadlines_fees_and_index(logged_in_client, cases):
    done = cases["done"]
    body = logged_in_client.get(reverse("trajectories:detail", args=[done.pk])).content.decode()
    assert done.worker.reference in body
    assert "Sofie" not in body and "85073003328" not in body
    # Job matching from 5 February 2024, three months at most: deadline 5 May 2024.
    assert "05/02/2024" in body and "05/05/2024" in body
    assert "€ 1.534,34" in body and "€ 1.534,33" in body
    assert "01/2024: 129,14 / 106,05" in body
    assert "Verlaagd van € 1.534,34 tot € 1.534,33" in body
    assert "norm: gemiddeld 140 uur" in body

    overdue = cases["overdue"]
    body = logged_in_client.get(reverse("trajectories:detail", args=[overdue.pk])).content.decode()
    assert "over de maximale duur" in body
    assert body.count("niet gestart") == 3


def test_deadline_page_lists_running_phases_near_or_past_their_maximum(logged_in_client, cases):
    response = logged_in_client.get(reverse("trajectories:deadlines"))
    rows = [row.record.trajectory.worker.reference for row in response.context["table"].rows]
    # Overdue first (earliest deadline), then the one within two weeks of its deadline.
    assert rows == [cases["overdue"].worker.reference, cases["near"].worker.reference]
    assert "dagen over tijd" in response.content.decode()
    response = logged_in_client.get(reverse("trajectories:deadlines"), {"only_overdue": "on"})
    assert [r.record.trajectory_id for r in response.context["table"].rows] == [cases["overdue"].pk]


def test_hours_page_sets_the_average_of_completed_trajectories_against_140(
    client, make_user, cases
):
    # An analyst: the figures as they may be published (staff who see the records see them
    # exactly: tests/test_disclosure_audit.py).
    client.force_login(make_user("analist", Role.ANALYST))
    logged_in_client = client
    response = logged_in_client.get(reverse("trajectories:hours"))
    rows = {row["project_number"]: row for row in response.context["table"].data}
    # 6441: the completed trajectory has 14 + 3 x 40.5 = 135.5 hours; the running one 0. Two
    # trajectories, one completed: counts of 1 to 4, so the hours computed from them are
    # hidden too (disclosure control).
    assert rows[6441]["trajectory_count"] == "<5"
    assert rows[6441]["completed_count"] == "<5"
    assert rows[6441]["hours_per_completed"] == "x"
    assert "135,5" not in response.content.decode() and "-4,5" not in response.content.decode()
    # 7887: nothing completed, so the average is unknown, not zero.
    assert rows[7887]["hours_per_completed"] is None
    assert "onbekend" in response.content.decode()
    filtered = logged_in_client.get(reverse("trajectories:hours"), {"call": "432"})
    assert [row["project_number"] for row in filtered.context["table"].data] == [7887]


def test_health_index_page_shows_which_months_are_single_source(logged_in_client, seed):
    body = logged_in_client.get(reverse("trajectories:health-index")).content.decode()
    assert body.count("één bron, niet bevestigd") == 30
    assert body.count("bevestigd door twee bronnen") == 84
    assert "129,14" in body  # smoothed January 2024
    assert "€ 4.200,00" in body


def test_admin_shows_trajectory_with_phase_inline_and_index_list(admin_client_, cases):
    done = cases["done"]
    body = admin_client_.get(
        reverse("admin:trajectories_trajectory_change", args=[done.pk])
    ).content.decode()
    assert "1.534,33" in body or "1534.33" in body
    index = admin_client_.get(reverse("admin:trajectories_healthindexmonth_changelist"))
    assert index.status_code == 200
    workers = admin_client_.get(reverse("admin:trajectories_worker_changelist")).content.decode()
    assert cases["overdue"].worker.reference in workers
    assert "85073003328" not in workers


def grow(count: int, seed: int) -> None:
    demo_generate(count=count, seed=seed, as_of=timezone.localdate())


@pytest.mark.parametrize(
    "url",
    [
        "/trajecten/",
        "/trajecten/?status=lopend&province=Limburg&phase=1&overdue=true",
        "/trajecten/?started_from=2018-01-01&ended_to=2026-12-31&call=366",
        "DETAIL",
        "/trajecten/termijnen/",
        "/trajecten/uren/",
        "/trajecten/gezondheidsindex/",
        "/exports/trajectories/?format=csv",
        "/exports/trajectories/?format=xlsx&status=afgerond",
        "/exports/fees/?format=csv&date=2024-06-01",
        "/exports/trajectory-stats/?format=csv&date_from=2018-01-01",
        "/exports/provider-statement/?format=csv",
        "/exports/trajectory-import-template/?format=csv",
        "/exports/",
        "/beheer/trajectories/trajectory/",
        "ADMIN_DETAIL",
        "/beheer/trajectories/worker/",
        "/beheer/trajectories/healthindexmonth/",
        "/beheer/trajectories/feeschedule/",
    ],
)
def test_query_count_does_not_grow_with_the_data(admin_client_, cases, url):
    done = cases["done"]
    url = {
        "DETAIL": reverse("trajectories:detail", args=[done.pk]),
        "ADMIN_DETAIL": reverse("admin:trajectories_trajectory_change", args=[done.pk]),
    }.get(url, url)

    grow(20, seed=1)
    count_queries(admin_client_, url)  # warm up per-process caches (content types, sessions)
    small = count_queries(admin_client_, url)
    before = PhaseRecord.objects.count()
    grow(400, seed=2)
    assert PhaseRecord.objects.count() > before + 1000
    assert count_queries(admin_client_, url) == small


def test_an_exception_ticked_in_the_admin_is_signed_by_the_staff_member(
    admin_client_, staff_user, seed
):
    trajectory = start(start_date=dt.date(2019, 3, 4))
    record = trajectory.phases.get()
    url = reverse("admin:trajectories_trajectory_change", args=[trajectory.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update(
        {
            "phases-TOTAL_FORMS": "1",
            "phases-INITIAL_FORMS": "1",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
            "phases-0-id": record.pk,
            "phases-0-seen_version": record.version,
            "phases-0-trajectory": trajectory.pk,
            "phases-0-phase": 1,
            "phases-0-start_date": "04/03/2019",
            "phases-0-end_date": "10/04/2019",
            "phases-0-max_months": 1,
            "phases-0-hours": "14",
            "phases-0-over_maximum": "on",
            "phases-0-over_maximum_reason": "ziekenhuisopname",
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    record.refresh_from_db()
    assert record.end_date == dt.date(2019, 4, 10)
    assert record.over_maximum_approved_by == staff_user
    assert record.over_maximum_approved_at is not None


def test_the_listing_counts_as_people_read_numbers_in_both_languages(logged_in_client, seed):
    """Above a thousand the count is grouped as every figure of the application is (it read
    "10000 trajecten"): 1.203 in Dutch, 1,203 in English."""
    grow(1203, seed=5)
    total = Trajectory.objects.count()
    assert total >= 1000
    dutch = logged_in_client.get(reverse("trajectories:list")).content.decode()
    assert f"<strong>{total // 1000}.{total % 1000:03d} trajecten</strong>" in dutch
    logged_in_client.cookies["django_language"] = "en"
    english = logged_in_client.get(reverse("trajectories:list")).content.decode()
    assert f"<strong>{total // 1000},{total % 1000:03d} trajectories</strong>" in english
