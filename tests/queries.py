"""Counting a request's queries: the guard that a page or download makes as many queries for 10
rows as for 10,000."""

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
