"""Exports against psql running the same statements, the two in turn."""

from __future__ import annotations

import statistics
import time

from benchmarks.database import Database
from benchmarks.measure import bench_user, client_for, heap_peak, sql_time, timed_request, warm
from benchmarks.report import Result, report


def csv_export_case(database: Database, size: int, runs: int) -> Result:
    """The full trajectories CSV through the download view, against psql COPY of its SELECT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from doorstroom.exports import DIALECTS
    from trajectories.exports import TrajectoriesExport

    client = client_for(bench_user())
    url = "/exports/trajectories/?format=csv&dialect=excel-nl"
    sql, params = TrajectoriesExport({}).copy_sql(DIALECTS["excel-nl"])
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params) if params else sql
    copy = f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', NULL '')"
    database.psql_timing(copy)
    times, first_bytes, first_rows, sizes, references = [], [], [], [], []
    for _ in range(runs):
        # The log holds at most 9,000 queries; a full one would capture nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            chunks = iter(response.streaming_content)
            total = len(next(chunks))
            first_bytes.append((time.perf_counter() - started) * 1000)
            total += len(next(chunks, b""))  # the header comes alone, then blocks of rows
            first_rows.append((time.perf_counter() - started) * 1000)
            total += sum(len(chunk) for chunk in chunks)
            times.append((time.perf_counter() - started) * 1000)
        sizes.append(total)
        # In turn with the download, so the machine's drift touches both alike.
        references.append(database.psql_timing(copy))
    # Peak of the Python heap during a download: what the worker holds above its resting size.
    peak = heap_peak(client, url)
    reference = statistics.median(references)
    result = Result(
        size,
        "CSV export, all trajectories",
        times,
        len(captured.captured_queries),
        0.0,
        peak,
        "psql COPY",
        reference,
    )
    result.extra["first byte ms"] = statistics.median(first_bytes)
    result.extra["first rows ms"] = statistics.median(first_rows)
    result.extra["MB"] = sizes[-1] / 2**20
    report(result)
    return result


def aggregate_case(database: Database, size: int, case: str, url: str, runs: int) -> Result:
    """A page or export of aggregates against the same statements run by psql, in turn."""
    client = client_for(bench_user())
    warm(client, url)
    _, queries = timed_request(client, url)
    # The same statements, as sent, minus the session and user look-ups of the request.
    sql = ";\n".join(
        q["sql"]
        for q in queries
        if "django_session" not in q["sql"] and "auth_user" not in q["sql"]
    )
    database.psql_timing(sql)
    times, references = [], []
    for _ in range(runs):
        elapsed, queries = timed_request(client, url)
        times.append(elapsed)
        references.append(database.psql_timing(sql))
    reference = statistics.median(references)
    result = Result(
        size,
        case,
        times,
        len(queries),
        sql_time(queries),
        heap_peak(client, url),
        "psql, same GROUP BY",
        reference,
    )
    report(result)
    return result
