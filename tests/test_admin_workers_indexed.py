"""The admin's workers searched and sorted at any number of workers: the search ORs index
lookups of its columns (reference, names, national number), each sort walks an index of its
column with the key, and both still find and order what they should."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories.trajectories import WorkerFactory
from tests.queries import planned_nodes
from trajectories.demo import demo_generate
from trajectories.models import Worker

WORKERS = "/beheer/trajectories/worker/"


def list_query(queries: list[dict]) -> str:
    """The statement that reads the page's rows."""
    return next(
        q["sql"]
        for q in queries
        if 'FROM "trajectories_worker"' in q["sql"]
        and "ORDER BY" in q["sql"]
        and "COUNT(" not in q["sql"]
    )


@pytest.fixture
def many_workers(seed):
    demo_generate(count=3000, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trajectories_worker")


def shown(response) -> list[Worker]:
    return list(response.context["cl"].result_list)


def test_the_search_finds_each_column_through_its_index(admin_client_, many_workers):
    wanted = WorkerFactory(first_name="Zebedeus", last_name="Quaghebeur", insz="85073003328")
    # The reference in another case, part of a name in any case, the national number.
    for typed in (wanted.reference.lower(), "ghebe", "ZEBED", "85073003328"):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client_.get(WORKERS, {"q": typed})
        assert response.status_code == 200
        assert [worker.pk for worker in shown(response)] == [wanted.pk], typed
        # At 3,000 workers reading them all is cheaper, and PostgreSQL does; left only the
        # bitmap scans (an OR of index lookups), each side of the OR must have an index, or
        # the plan still reads every worker.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            nodes = planned_nodes(list_query(captured.captured_queries))
            cursor.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on")
        scanned = {node.get("Relation Name") for node in nodes if node["Node Type"] == "Seq Scan"}
        assert "trajectories_worker" not in scanned, [node["Node Type"] for node in nodes]
        used = {node.get("Index Name") for node in nodes}
        assert {"worker_last_name_trgm", "worker_first_name_trgm"} <= used, used


SORTS = [
    ("2", "last_name", "worker_sort_last_name"),
    ("3", "first_name", "worker_sort_first_name"),
    ("4", "erased_at", "worker_sort_erased_at"),
]


def test_a_sort_walks_the_index_of_its_column_in_the_columns_order(admin_client_, many_workers):
    erased = Worker.objects.order_by("pk")[:5]
    Worker.objects.filter(pk__in=[w.pk for w in erased]).update(erased_at=timezone.now())
    for position, column, index in SORTS:
        for order in (position, f"-{position}"):
            with CaptureQueriesContext(connection) as captured:
                response = admin_client_.get(WORKERS, {"o": order})
            assert response.status_code == 200
            rows = shown(response)
            descending = order.startswith("-")
            expected = list(
                Worker.objects.order_by(
                    F(column).desc() if descending else F(column).asc(),
                    "-pk" if descending else "pk",
                )[: len(rows)]
            )
            assert len(rows) > 1 and rows == expected, order
            nodes = planned_nodes(list_query(captured.captured_queries))
            kinds = [node["Node Type"] for node in nodes]
            assert not {"Sort", "Incremental Sort", "Seq Scan"} & set(kinds), (order, kinds)
            assert index in [node.get("Index Name") for node in nodes], (order, kinds)
