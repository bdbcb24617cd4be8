"""Requests in-process, as every case makes them: a logged-in Django test client, the wall time
of the whole request, its queries and the peak of the Python heap."""

from __future__ import annotations

import time
import tracemalloc


def bench_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    if not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def consume(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def warm(client, url: str) -> None:
    """One request, untimed: caches, connection and templates are warm for the timed ones."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    consume(response)


def timed_request(client, url: str) -> tuple[float, list[dict]]:
    """Wall time (ms) of one GET and the queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The log holds at most 9,000 queries; a full one would capture nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        consume(client.get(url))
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, captured.captured_queries


def heap_peak(client, url: str) -> float:
    """Peak of the Python heap (MB) during one request."""
    tracemalloc.start()
    consume(client.get(url))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def sql_time(queries: list[dict]) -> float:
    return sum(float(q["time"]) for q in queries) * 1000
