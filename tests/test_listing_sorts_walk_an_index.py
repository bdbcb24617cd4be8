"""The listing sorted on hours, fees, past maximum, employer, call or mandate reads its page along
an index of the figures kept beside each trajectory, whatever the number of trajectories; for
that every trajectory has its row of figures, with the sort keys of its employer and mandate."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mandates.models import Call, Mandate, Organisation
from tests.factories.trajectories import TrajectoryFactory, WorkerFactory
from trajectories.demo import demo_delete, demo_generate
from trajectories.models import Trajectory, TrajectoryFigures
from trajectories.models.figures import KEY_SOURCES, REFRESH_FUNCTION, key_triggers_sql

LISTING = reverse("trajectories:list")

INDEXED_SORTS = [
    ("hours_total", "figures_hours"),
    ("-hours_total", "figures_hours"),
    ("fees_total", "figures_fees"),
    ("-fees_total", "figures_fees"),
    ("is_overdue", "figures_running_deadline"),
    ("-is_overdue", "figures_running_deadline"),
    ("origin_employer", "figures_employer"),
    ("-origin_employer", "figures_employer"),
    ("call", "figures_call"),
    ("-call", "figures_call"),
    ("mandate", "figures_mandate"),
    ("-mandate", "figures_mandate"),
]


def figures_of(trajectory) -> tuple:
    return TrajectoryFigures.objects.values_list(
        "hours_total",
        "fees_total",
        "with_phases",
        "employer_name",
        "call_number",
        "project_number",
        "promoter_name",
    ).get(trajectory=trajectory)


def expected_keys(trajectory) -> tuple:
    mandate = trajectory.mandate
    return (
        trajectory.origin_employer.name,
        mandate.call.number,
        mandate.project_number,
        mandate.promoter_as_written,
    )


def every_trajectory_has_its_figures() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM trajectories_trajectory t LEFT JOIN "
            "trajectories_trajectoryfigures f ON f.trajectory_id = t.id "
            "WHERE f.trajectory_id IS NULL OR f.employer_name IS NULL"
        )
        missing = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM trajectories_trajectoryfigures f WHERE NOT EXISTS "
            "(SELECT 1 FROM trajectories_trajectory t WHERE t.id = f.trajectory_id)"
        )
        orphans = cursor.fetchone()[0]
    return missing == 0 and orphans == 0


def test_a_trajectory_has_its_figures_however_it_is_written(seed):
    created = TrajectoryFactory()
    assert figures_of(created) == (0, None, False, *expected_keys(created))
    mandate, employer = Mandate.objects.order_by("pk").last(), Organisation.objects.last()
    bulk = Trajectory.objects.bulk_create(
        [
            Trajectory(
                worker=WorkerFactory(),
                mandate=mandate,
                origin_employer=employer,
                start_date=dt.date(2020, 1, 6),
            )
            for _ in range(3)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO trajectories_trajectory (worker_id, mandate_id, origin_employer_id, "
            "start_date, status, outcome, stop_reason, is_demo, created_at, version) "
            "VALUES (%s, %s, %s, '2021-02-01', 'lopend', 'onbekend', '', false, now(), 1) "
            "RETURNING id",
            [WorkerFactory().pk, mandate.pk, employer.pk],
        )
        raw = Trajectory.objects.get(pk=cursor.fetchone()[0])
    for trajectory in [*bulk, raw]:
        assert figures_of(trajectory) == (0, None, False, *expected_keys(trajectory))
    assert every_trajectory_has_its_figures()
    # Gone with its trajectory, through the ORM or in SQL.
    created.delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM trajectories_trajectory WHERE id = %s", [raw.pk])
    assert not TrajectoryFigures.objects.filter(trajectory__in=[created.pk, raw.pk]).exists()
    assert every_trajectory_has_its_figures()


def test_the_demo_data_has_its_figures_and_its_sort_keys(seed):
    demo_generate(count=40, seed=5)
    assert every_trajectory_has_its_figures()
    assert TrajectoryFigures.objects.filter(with_phases=True).count() == (
        Trajectory.objects.filter(phases__isnull=False).distinct().count()
    )
    demo_delete()
    assert not TrajectoryFigures.objects.exists()


def test_the_sort_keys_follow_the_employer_the_mandate_and_the_call(seed):
    demo_generate(count=30, seed=6)
    trajectory = Trajectory.objects.select_related("mandate__call", "origin_employer").first()
    # The trajectory moved to another employer and mandate.
    other_employer = Organisation.objects.exclude(pk=trajectory.origin_employer_id).first()
    other_mandate = (
        Mandate.objects.exclude(pk=trajectory.mandate_id).exclude(call=trajectory.mandate.call)
    ).first()
    Trajectory.objects.filter(pk=trajectory.pk).update(
        origin_employer=other_employer, mandate=other_mandate
    )
    trajectory.refresh_from_db()
    assert figures_of(trajectory)[3:] == expected_keys(trajectory)
    # The employer renamed, the mandate renumbered, moved to another call and its promoter
    # renamed, a call renumbered.
    Organisation.objects.filter(pk=other_employer.pk).update(name="AAA Hernoemd")
    Mandate.objects.filter(pk=other_mandate.pk).update(
        project_number=99999,
        call=Call.objects.exclude(pk=other_mandate.call_id).first(),
        promoter_as_written="vzw Andere Promotor",
    )
    other_mandate.refresh_from_db()
    Call.objects.filter(pk=other_mandate.call_id).update(number=777)
    trajectory = Trajectory.objects.select_related("mandate__call", "origin_employer").get(
        pk=trajectory.pk
    )
    assert figures_of(trajectory)[3:] == ("AAA Hernoemd", 777, 99999, "vzw Andere Promotor")
    # The promoter alone renamed.
    Mandate.objects.filter(pk=other_mandate.pk).update(promoter_as_written="Nieuwe naam")
    assert figures_of(trajectory)[6] == "Nieuwe naam"
    # Every other trajectory too, against the rows they name.
    for each in Trajectory.objects.select_related("mandate__call", "origin_employer"):
        assert figures_of(each)[3:] == expected_keys(each)


def test_the_installed_key_triggers_are_the_modules(seed):
    """A change of KEY_SOURCES or of `REFRESH_FUNCTION` needs a migration that installs it."""
    with connection.cursor() as cursor:
        for table in KEY_SOURCES:
            cursor.execute(
                "SELECT prosrc FROM pg_proc WHERE proname = %s",
                [f"trajectories_figures_keys_of_{table}"],
            )
            body = " ".join(cursor.fetchone()[0].split())
            assert KEY_SOURCES[table] in body
            assert body in " ".join(key_triggers_sql().split())
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'trajectories_figures_keys' "
                "AND tgrelid = %s::regclass",
                [table],
            )
            assert cursor.fetchone()[0] == 1
    assert "employer_name" in REFRESH_FUNCTION
    assert "promoter_name" in REFRESH_FUNCTION


def keys_query(queries: list[dict]) -> str:
    """The statement that takes the page's keys (with their sort values)."""
    return next(
        q["sql"]
        for q in queries
        if 'FROM "trajectories_trajectory"' in q["sql"] and q["sql"].endswith("LIMIT 25")
    )


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def test_a_sorted_page_walks_an_index_instead_of_sorting_every_trajectory(admin_client_, seed):
    """The first page of each of these sorts: a walk of the figures' index joined to the
    trajectories by key, no sort and no scan of every row (at 3,000 trajectories the planner
    chooses as at a million: a sort of every row would cost more)."""
    demo_generate(count=3000, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trajectories_trajectory")
        cursor.execute("ANALYZE trajectories_trajectoryfigures")
    admin_client_.get(LISTING)  # per-process caches
    counts = set()
    for sort, index in INDEXED_SORTS:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(LISTING + f"?sort={sort}")
        assert response.status_code == 200
        counts.add(len(captured))
        sql = keys_query(captured.captured_queries)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        nodes = list(plan_nodes(plan[0]["Plan"]))
        kinds = [node["Node Type"] for node in nodes]
        assert not {"Sort", "Incremental Sort", "Seq Scan"} & set(kinds), (sort, kinds)
        assert index in [node.get("Index Name") for node in nodes], (sort, kinds)
    # As many queries as every other sort.
    with CaptureQueriesContext(connection) as captured:
        admin_client_.get(LISTING + "?sort=start_date")
    assert counts == {len(captured)}


@pytest.mark.parametrize("descending", [False, True])
def test_past_maximum_sorts_the_overdue_together_and_the_key_decides_ties(
    admin_client_, seed, descending
):
    demo_generate(count=60, seed=12)
    today = timezone.localdate()
    # Trajectories without phases (no running deadline), and ties on the deadline.
    # Not completed ones: those keep their Nazorg (trajectories migration 0007).
    bare = list(Trajectory.objects.exclude(status="afgerond").order_by("pk")[:3])
    for trajectory in bare:
        trajectory.phases.all().delete()
    tied = list(
        TrajectoryFigures.objects.filter(running_deadline__isnull=False)
        .order_by("trajectory_id")
        .values_list("trajectory_id", flat=True)[:4]
    )
    TrajectoryFigures.objects.filter(trajectory_id__in=tied).update(
        running_deadline=today - dt.timedelta(days=3)
    )
    response = admin_client_.get(
        LISTING + f"?per_page=100&sort={'-' if descending else ''}is_overdue"
    )
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert len(rows) == Trajectory.objects.count()
    flags = [row.is_overdue for row in rows]
    assert any(flags) and not all(flags)
    # The overdue together: first descending, last ascending.
    assert flags == sorted(flags, reverse=descending)
    # By deadline (NULL as PostgreSQL sorts it), the key deciding ties in the same direction.
    far = dt.date.max

    def place(row):
        return (row.running_deadline or far, row.pk)

    assert [place(row) for row in rows] == sorted(map(place, rows), reverse=not descending)
    bare_rows = [row for row in rows if row.pk in {t.pk for t in bare}]
    assert all(row.hours_total == Decimal("0") and not row.is_overdue for row in bare_rows)


def test_a_count_leaves_out_the_figures_only_annotations_read(seed):
    """An INNER JOIN PostgreSQL cannot leave out by itself: the count of a filtered listing
    (its pages' count) joins the figures only where a filter reads them."""
    demo_generate(count=40, seed=7)
    listing = Trajectory.objects.for_listing()
    cases = [
        (listing.filter(status="lopend"), False),
        (listing.filter(current_phase=2).order_by("hours_total"), False),
        (listing.filter(mandate__call__number__gt=0).distinct(), False),
        (listing.filter(is_overdue=True), True),
        (listing.filter(hours_total__gt=10), True),
    ]
    for queryset, joins in cases:
        with CaptureQueriesContext(connection) as captured:
            counted = queryset.count()
        assert counted == len(list(queryset.values_list("pk", flat=True)))
        sql = captured.captured_queries[0]["sql"]
        assert ("trajectories_trajectoryfigures" in sql) == joins, sql
    assert listing.count() == Trajectory.objects.count()


ADMIN_TRAJECTORIES = "/beheer/trajectories/trajectory/"


@pytest.mark.parametrize(
    ("order", "index", "shown"),
    [
        ("2", "figures_mandate", "project_number"),
        ("-2", "figures_mandate", "project_number"),
        ("3", "figures_employer", "employer_name"),
        ("-3", "figures_employer", "employer_name"),
    ],
)
def test_the_admins_trajectories_sorted_on_mandate_or_employer_walk_an_index(
    admin_client_, seed, order, index, shown
):
    """The admin's change list sorts its mandate and employer columns on the same copies as
    the listing: its first page is a walk of their index, in the column's order."""
    demo_generate(count=3000, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trajectories_trajectory")
        cursor.execute("ANALYZE trajectories_trajectoryfigures")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client_.get(ADMIN_TRAJECTORIES + f"?o={order}")
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    values = [getattr(row, shown) for row in rows]
    assert len(rows) > 1 and values == sorted(values, reverse=order.startswith("-"))
    expected = {
        "project_number": [row.mandate.project_number for row in rows],
        "employer_name": [
            row.origin_employer.name if row.origin_employer else None for row in rows
        ],
    }[shown]
    assert values == expected  # the copies are the mandate's and the employer's own
    sql = next(
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "trajectories_trajectory"' in q["sql"]
        and " LIMIT " in q["sql"]
        and "ORDER BY" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    nodes = list(plan_nodes(plan[0]["Plan"]))
    kinds = [node["Node Type"] for node in nodes]
    assert not {"Sort", "Incremental Sort"} & set(kinds), (order, kinds)
    # A small table (the organisations shown) may be read whole; the big ones never.
    scanned = {node.get("Relation Name") for node in nodes if node["Node Type"] == "Seq Scan"}
    assert not scanned & {"trajectories_trajectory", "trajectories_trajectoryfigures"}, scanned
    assert index in [node.get("Index Name") for node in nodes], (order, kinds)


def test_a_typed_page_reads_its_keys_without_the_figures_unless_sorted_on_them(admin_client_, seed):
    """Page 1,000 typed skips 24,975 keys: joined to the figures, as many probes of them (0.2 s
    at a million) for a sort that never reads them. The rows still come with their figures."""
    demo_generate(count=100, seed=13)  # page 2 is read from the start (OFFSET 25)

    def keys_and_rows(query: str):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(LISTING + query)
        assert response.status_code == 200
        keys = next(q["sql"] for q in captured.captured_queries if "OFFSET 25" in q["sql"])
        return keys, [row.record for row in response.context["table"].paginated_rows]

    keys, rows = keys_and_rows("?page=2")
    assert "trajectories_trajectoryfigures" not in keys
    expected = list(Trajectory.objects.order_by("-start_date", "-pk")[25:50])
    assert [row.pk for row in rows] == [t.pk for t in expected]
    for row in rows:
        assert (row.hours_total, row.fees_total) == figures_of(row)[:2]
    keys, rows = keys_and_rows("?page=2&sort=-hours_total")
    assert "trajectories_trajectoryfigures" in keys
    hours = [row.hours_total for row in rows]
    assert len(rows) == 25 and hours == sorted(hours, reverse=True)
