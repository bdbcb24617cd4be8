"""The deadlines page sorted on mandate or promoter reads its page along an index of the copies
kept with each trajectory's figures (a trajectory has one running phase at most), not by sorting
every running phase; in the order a person expects, page after page."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mandates.models import Mandate
from tests.queries import planned_nodes
from trajectories.demo import demo_generate
from trajectories.models import PhaseRecord

DEADLINES = reverse("trajectories:deadlines")

SORTS = [
    ("mandate", "figures_mandate", "project_number"),
    ("-mandate", "figures_mandate", "project_number"),
    ("promoter", "figures_promoter", "promoter_as_written"),
    ("-promoter", "figures_promoter", "promoter_as_written"),
]


@pytest.fixture
def many_phases(seed):
    demo_generate(count=3000, seed=11)
    with connection.cursor() as cursor:
        for table in ("phaserecord", "trajectory", "trajectoryfigures"):
            cursor.execute(f"ANALYZE trajectories_{table}")


def keys_query(queries: list[dict]) -> str:
    return next(
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "trajectories_phaserecord"."id" AS "pk"')
        and "LIMIT" in q["sql"]
    )


def expected_order(column: str, descending: bool) -> list[int]:
    """Every phase the page lists, by the mandate's column then the trajectory."""
    shown = PhaseRecord.objects.near_or_past_deadline(timezone.localdate())
    mandates = {m.pk: m for m in Mandate.objects.all()}
    rows = [
        (getattr(mandates[mandate_id], column), trajectory_id, pk)
        for pk, trajectory_id, mandate_id in shown.values_list(
            "pk", "trajectory_id", "trajectory__mandate_id"
        )
    ]
    return [pk for *_, pk in sorted(rows, reverse=descending)]


def test_a_sort_on_mandate_or_promoter_walks_the_figures_index(admin_client_, many_phases):
    for sort, index, column in SORTS:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(DEADLINES, {"sort": sort})
        assert response.status_code == 200
        rows = [row.record.pk for row in response.context["table"].paginated_rows]
        expected = expected_order(column, sort.startswith("-"))
        assert len(rows) == 50 and rows == expected[:50], sort
        nodes = planned_nodes(keys_query(captured.captured_queries))
        kinds = [node["Node Type"] for node in nodes]
        assert not {"Sort", "Seq Scan"} & set(kinds), (sort, kinds)
        assert index in [node.get("Index Name") for node in nodes], (sort, kinds)


def test_the_pages_of_a_sort_follow_each_other_without_gaps(admin_client_, many_phases):
    expected = expected_order("promoter_as_written", False)
    seen, url = [], f"{DEADLINES}?sort=promoter"
    while url:
        response = admin_client_.get(url)
        seen += [row.record.pk for row in response.context["table"].paginated_rows]
        following = re.search(r'<li class="next">\s*<a href="([^"]+)"', response.content.decode())
        url = DEADLINES + html.unescape(following.group(1)) if following else None
        assert len(seen) <= len(expected)
    assert seen == expected
