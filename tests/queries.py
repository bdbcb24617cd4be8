"""Counting a request's queries: the guard that a page or download makes as many queries for 10
rows as for 10,000; and the plan PostgreSQL chooses for one (an index walked, no sort)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, params: dict | None = None) -> int:
    """Queries of one GET, a streamed body read to its end; the answer must be 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def plan_nodes(plan: dict):
    """A plan node (EXPLAIN's JSON) and every node under it."""
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def planned_nodes(sql: str) -> list[dict]:
    """The nodes of the plan PostgreSQL chooses for `sql` (not run)."""
    import json

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return list(plan_nodes(plan[0]["Plan"]))
