"""`make bench`: server time, queries, memory and throughput at 10,000 and 1,000,000 trajectories.

Runs against its own database (`doorstroom_bench` by default, dropped and made fresh), on the
server of DATABASE_URL or else the embedded one. Every case is compared with a reference measured
in the same run: a page at the largest size with the same page at the smallest, the CSV export
with psql's COPY of the same SELECT, an aggregate export with its GROUP BY queries run by psql
(the dashboard too: its sections are aggregate exports), the listing's throughput under gunicorn
with that of a trivial view. Last, at the largest size, the background jobs (benchmarks/
jobs_bench.py): how long a queued job waits for a worker, and an import of 100,000 rows checked
and applied by one. Results go to stdout and to `benchmarks/results.md`.

A case and its reference are measured in alternation wherever they can be: the speed of a shared
machine drifts by half within minutes, and a ratio of two runs minutes apart would measure that
drift. So the database is copied at each smaller size (`<name>_<size>`), and after the largest
size every page is requested from each size in turn, each with its own open connection.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import payments_bench
from benchmarks.cases.exports import aggregate_case, csv_export_case
from benchmarks.cases.pages import open_site, page_cases
from benchmarks.cases.served import gunicorn_export_case, throughput_case
from benchmarks.database import (
    BASE_DIR,
    Database,
    bench_database,
    copy,
    drop,
    grow_to,
    prepare,
)
from benchmarks.jobs_bench import jobs_cases
from benchmarks.measure import bench_user
from benchmarks.report import Result, add_page_ratios, report, write_markdown


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="Trajectory counts, ascending.")
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs per page and size.")
    parser.add_argument("--database", default="doorstroom_bench", help="Name of the bench DB.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep an existing bench DB (development only): it may hold at most the smallest size.",
    )
    parser.add_argument("--wrk-seconds", type=int, default=10, help="Duration of each wrk run.")
    parser.add_argument("--output", default=str(BASE_DIR / "benchmarks" / "results.md"))
    parser.add_argument("--only", default="", help="Comma-separated case prefixes to run.")
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="Rows of the import run as jobs."
    )
    return parser.parse_args()


def main() -> None:
    from django.db import connections

    args = parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    started = time.monotonic()
    database = bench_database(args.database)
    prepare(database, reuse=args.reuse)
    results: list[Result] = []
    at_size: dict[int, Database] = {}
    for size in sizes:
        grow_to(size)
        payments_bench.prepare(size)  # a mandate of 10,000 completed phases to claim
        # A copy at each smaller size for the pages, measured in turn with the largest below.
        at_size[size] = database if size == sizes[-1] else copy(database, f"{database.name}_{size}")
        print(f"--- {size:,} trajectories", flush=True)
        runs = 5 if size > 100_000 else 15
        if not only or any("CSV".startswith(p) or p == "csv" for p in only):
            results.append(csv_export_case(database, size, runs))
            results.append(gunicorn_export_case(size, results[-1]))
        for name in ("trajectory-stats", "provider-statement"):
            if not only or any(name.startswith(p) for p in only):
                url = f"/exports/{name}/?format=csv&dialect=excel-nl"
                results.append(aggregate_case(database, size, f"export {name}", url, runs))
        # The landing page: the dashboard's sections are aggregate exports over everything.
        if not only or "dashboard" in only:
            results.append(aggregate_case(database, size, "dashboard, no filters", "/", runs))
        if not only or "throughput" in only:
            result = throughput_case(size, args.wrk_seconds)
            if result:
                results.append(result)
    print(f"--- pages, {' and '.join(f'{size:,}' for size in sizes)} trajectories in turn")
    resting = connections["default"]
    try:
        sites = [open_site(size, at_size[size]) for size in sizes]
        found = payments_bench.cases(sites, args.repeat, only, user=bench_user())
        pages = [Result(**case) for case in found] + page_cases(sites, args.repeat, only)
    finally:
        connections["default"] = resting
        for size in sizes[:-1]:
            drop(at_size[size])
    # Last: the import applied by the worker changes the data the pages were measured on.
    if not only or "job" in only:
        print(f"--- jobs, {sizes[-1]:,} trajectories", flush=True)
        for result in jobs_cases(sizes[-1], rows=args.import_rows):
            report(result)
            results.append(result)
    results = sorted(pages + results, key=lambda result: result.size)
    add_page_ratios(results, sizes)
    print("--- ratios")
    for result in results:
        if result.ratio is not None:
            report(result)
    write_markdown(results, Path(args.output), sizes, time.monotonic() - started)
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
