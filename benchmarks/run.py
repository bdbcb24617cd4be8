"""`make bench`: server time, queries, memory and throughput at 10,000 and 1,000,000 trajectories.

Runs against its own database (`doorstroom_bench` by default, dropped and made fresh), on the
server of DATABASE_URL or else the embedded one. Every case is compared with a reference measured
in the same run: a page at the largest size with the same page at the smallest, the CSV export
with psql's COPY of the same SELECT, an aggregate export with its GROUP BY queries run by psql
(the dashboard too: its sections are aggregate exports), the listing's throughput under gunicorn
with that of a trivial view. Results go to stdout and to `benchmarks/results.md`.

A case and its reference are measured in alternation wherever they can be: the speed of a shared
machine drifts by half within minutes, and a ratio of two runs minutes apart would measure that
drift. So the database is copied at each smaller size (`<name>_<size>`), and after the largest
size every page is requested from each size in turn, each with its own open connection.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import payments_bench
from benchmarks.database import BASE_DIR, Database, bench_database, copy, drop, exists, recreate


@dataclass
class Result:
    size: int
    case: str
    times_ms: list[float]
    queries: int
    sql_ms: float
    peak_mb: float | None = None
    reference: str = ""
    reference_ms: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def spread(self) -> str:
        return f"{min(self.times_ms):.1f}-{max(self.times_ms):.1f}"

    @property
    def ratio(self) -> float | None:
        if not self.reference_ms:
            return None
        return self.median / self.reference_ms


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
    return parser.parse_args()


def configure_django(database: Database) -> None:
    os.environ["DATABASE_URL"] = database.url
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doorstroom.settings"
    os.environ["CONN_MAX_AGE"] = "600"
    import django

    django.setup()


def prepare(database: Database, *, reuse: bool) -> None:
    from django.core.management import call_command

    if not (reuse and exists(database)):
        recreate(database)
    configure_django(database)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seed", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def grow_to(size: int) -> None:
    """Add demo trajectories (each step its own seed) until there are `size`."""
    from django.db import connection
    from tqdm import tqdm

    from trajectories.demo import demo_generate
    from trajectories.models import Trajectory

    current = Trajectory.objects.count()
    if current > size:
        raise SystemExit(
            f"The bench database holds {current:,} trajectories, more than {size:,}: "
            "run without --reuse."
        )
    if current < size:
        step = current // 1000 + 1
        with tqdm(total=size - current, unit=" trajecten", desc=f"naar {size:,}") as bar:
            demo_generate(count=size - current, seed=step, progress=bar.update)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- in-process cases ----------------------------------------------------------------------------


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


@dataclass
class Site:
    """The application on the bench database of one size, with its own open connection and a
    logged-in client; `activate` makes it the one requests use."""

    size: int
    database: Database
    connection: object = None
    client: object = None

    def activate(self) -> None:
        from django.db import connections

        connections["default"] = self.connection


def open_site(size: int, database: Database) -> Site:
    from django.db import connections
    from django.db.utils import load_backend

    settings = {**connections.settings["default"], "NAME": database.name}
    site = Site(size, database, load_backend(settings["ENGINE"]).DatabaseWrapper(settings))
    site.activate()
    site.client = client_for(bench_user())
    return site


LISTING = "/trajecten/"
ADMIN_TRAJECTORIES = "/beheer/trajectories/trajectory/"
ADMIN_PHASES = "/beheer/trajectories/phaserecord/"

# (case, URL or how to find it, the URL of the same list's first page). A deep page is
# requested as its user reaches it: by the link on the page before it, which carries the
# position it starts from; a page number typed without one is read by OFFSET. A deep page is
# also compared with its list's first page, the two requested in turn.
PAGE_CASES = [
    ("trajectory list, first page", LISTING, None),
    (
        "trajectory list, page 1,000 by its link",
        lambda client: linked_page(client, LISTING, "page", 1000),
        LISTING,
    ),
    ("trajectory list, last page", lambda client: last_page(client, LISTING, "page"), LISTING),
    ("trajectory list, page 1,000 typed", LISTING + "?page=1000", LISTING),
    ("trajectory list, province + call + phase", None, None),  # URL depends on the seed data
    ("trajectory list, text search", None, None),
    ("mandate list", "/mandaten/", None),
    ("admin trajectories", ADMIN_TRAJECTORIES, None),
    (
        "admin trajectories, page 1,000 by its link",
        lambda client: linked_page(client, ADMIN_TRAJECTORIES, "p", 1000),
        ADMIN_TRAJECTORIES,
    ),
    ("admin phases", ADMIN_PHASES, None),
    (
        "admin phases, page 1,000 by its link",
        lambda client: linked_page(client, ADMIN_PHASES, "p", 1000),
        ADMIN_PHASES,
    ),
]


def page_links(client, url: str, parameter: str) -> dict[int, str]:
    """The page's links to other pages of its list: page number -> URL (the first of each)."""
    content = client.get(url).content.decode()
    links = {}
    for href in re.findall(r'href="(\?[^"]*)"', content):
        query = html.unescape(href)
        number = parse_qs(urlsplit(query).query).get(parameter)
        if number and number[0].isdigit():
            links.setdefault(int(number[0]), url.split("?")[0] + query)
    return links


def last_page(client, url: str, parameter: str) -> str:
    links = page_links(client, url, parameter)
    return links[max(links)]


def linked_page(client, url: str, parameter: str, number: int) -> str:
    """Page `number` of the list at `url` (at a size with fewer pages, the one before the last)
    by the link on the page before it."""
    number = min(number, max(page_links(client, url, parameter)) - 1)
    return page_links(client, f"{url}?{parameter}={number - 1}", parameter)[number]


def filtered_url() -> str:
    """Province + call + phase 2, the combination with the most trajectories: at the smallest
    size too it fills more than one page, so every size renders the same full page and pager."""
    from django.db.models import Count

    from mandates.models import MandateProvince

    busiest = (
        MandateProvince.objects.filter(mandate__trajectories__current_phase=2)
        .values("province__name", "mandate__call__number")
        .annotate(trajectories=Count("mandate__trajectories"))
        .order_by("-trajectories", "province__name", "mandate__call__number")
        .first()
    )
    return (
        f"/trajecten/?province={busiest['province__name']}"
        f"&call={busiest['mandate__call__number']}&phase=2"
    )


def search_url() -> str:
    from trajectories.models import Worker

    # A reference in the middle of the table: part of a number, as someone would type it.
    reference = Worker.objects.order_by("pk")[Worker.objects.count() // 2].reference
    return f"/trajecten/?q={reference[-6:]}"


def page_cases(sites: list[Site], repeat: int, only: list[str]) -> list[Result]:
    """Every page at every size, the sizes in turn for each timed request."""

    results = []
    try:
        sites[0].activate()
        filtered = filtered_url()
        for case, url, first_page in PAGE_CASES:
            if only and not any(case.startswith(prefix) for prefix in only):
                continue
            urls = {}
            for site in sites:
                site.activate()
                if callable(url):
                    urls[site.size] = url(site.client)
                else:
                    # The search looks for the reference in the middle of each size's table.
                    urls[site.size] = url or (filtered if "province" in case else search_url())
                warm(site.client, urls[site.size])
            times = {site.size: [] for site in sites}
            firsts = {site.size: [] for site in sites}
            sql = {site.size: [] for site in sites}
            searched = {site.size: [] for site in sites}
            queries = {}
            for _ in range(repeat):
                for site in sites:
                    site.activate()
                    elapsed, queries[site.size] = timed_request(site.client, urls[site.size])
                    times[site.size].append(elapsed)
                    if first_page:
                        firsts[site.size].append(timed_request(site.client, first_page)[0])
                    sql[site.size].append(sql_time(queries[site.size]))
                    if "search" in case:
                        # The search's own statements: those with its LIKE (count and keys).
                        like = [q for q in queries[site.size] if " LIKE " in q["sql"]]
                        searched[site.size].append(sql_time(like))
            for site in sites:
                site.activate()
                peak = heap_peak(site.client, urls[site.size])
                made = queries[site.size]
                # SQL time as reported by Django per statement (whole milliseconds): the median
                # over the timed requests, like the server time.
                sql_ms = statistics.median(sql[site.size])
                result = Result(site.size, case, times[site.size], len(made), sql_ms, peak)
                result.extra["url"] = urls[site.size]
                if first_page:
                    first = statistics.median(firsts[site.size])
                    result.extra["x first page"] = f"{result.median / first:.2f}"
                    page = re.search(r"[?&](?:page|p)=(\d+)", urls[site.size])
                    if page:
                        result.extra["page"] = f"{int(page.group(1)):,}"
                if "search" in case:
                    result.extra["search SQL ms"] = statistics.median(searched[site.size])
                report(result)
                results.append(result)
    finally:
        for site in sites:
            site.connection.close()
    return results


# --- exports -------------------------------------------------------------------------------------


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


# --- throughput ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        wrk = shutil.which("wrk")
    return wrk


def wrk_rate(wrk: str, url: str, cookie: str, seconds: int) -> tuple[float, str]:
    output = subprocess.run(
        [wrk, "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = next(float(line.split()[1]) for line in output.splitlines() if "Requests/sec" in line)
    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "errors" in line]
    return rate, "; ".join(errors)


@contextlib.contextmanager
def gunicorn_server(**settings: str):
    """gunicorn as in production (doorstroom/gunicorn.py: 2 threaded workers) on a free port;
    `settings` override its GUNICORN_* variables. Yields the base URL and the server process."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_LOG_LEVEL="warning")
    env.update({f"GUNICORN_{key.upper()}": value for key, value in settings.items()})
    server = subprocess.Popen(
        [gunicorn, "-c", "python:doorstroom.gunicorn", "--access-logfile", "/dev/null",
         "doorstroom.wsgi"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def session_cookie() -> str:
    from django.conf import settings

    client = client_for(bench_user())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


ROUNDS = 3


def throughput_case(size: int, seconds: int) -> Result | None:
    wrk = ensure_wrk()
    if wrk is None:
        print("wrk is not installed (apt-get install wrk): throughput skipped")
        return None
    cookie = session_cookie()
    trivial_rates, listing_rates, errors = [], [], []
    with gunicorn_server() as (base, _server):
        wrk_rate(wrk, f"{base}/trajecten/", cookie, 2)  # warm both workers
        # Alternating rounds, so a change in the machine's load touches both alike.
        for _ in range(ROUNDS):
            rate, error = wrk_rate(wrk, f"{base}/gezond/", cookie, seconds)
            trivial_rates.append(rate)
            errors.append(error)
            rate, error = wrk_rate(wrk, f"{base}/trajecten/", cookie, seconds)
            listing_rates.append(rate)
            errors.append(error)
    trivial = statistics.median(trivial_rates)
    listing = statistics.median(listing_rates)
    # Expressed as time per request so the ratio reads like the others (lower is better).
    result = Result(
        size,
        "throughput /trajecten/ (wrk, 2 workers)",
        [1000 / rate for rate in listing_rates],
        0,
        0.0,
        None,
        "trivial view /gezond/",
        1000 / trivial,
    )
    result.extra.update(
        {
            "req/s": listing,
            "trivial req/s": trivial,
            "rounds": ", ".join(
                f"{a:.0f}/{b:.0f}" for a, b in zip(listing_rates, trivial_rates, strict=True)
            ),
        }
    )
    if any(errors):
        result.extra["errors"] = "; ".join(e for e in errors if e)
    report(result)
    return result


def gunicorn_export_case(size: int, csv_result: Result) -> Result:
    """The full CSV downloaded from gunicorn with a worker time-out far shorter than the export:
    it must arrive whole, streaming, with the worker's memory close to its resting size."""
    import threading
    import urllib.request

    import psutil

    cookie = session_cookie()
    timeout = 2
    with gunicorn_server(timeout=str(timeout)) as (base, server):

        def get(path: str):
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})
            return urllib.request.urlopen(request, timeout=120)

        for _ in range(4):  # every worker has served pages and a small export
            get("/trajecten/").read()
            get("/exports/trajectories/?format=csv&dialect=excel-nl&q=000001").read()
        # Taken once they have served: the port answers as soon as the master listens, before
        # it has forked its workers.
        workers = psutil.Process(server.pid).children()
        resting = {w.pid: w.memory_info().rss for w in workers}
        peak = dict(resting)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for worker in workers:
                    peak[worker.pid] = max(peak[worker.pid], worker.memory_info().rss)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        try:
            with get("/exports/trajectories/?format=csv&dialect=excel-nl") as response:
                total = len(response.read(1))
                first_byte = (time.perf_counter() - started) * 1000
                total += len(response.readline())  # the header
                total += len(response.readline())  # the first row
                first_row = (time.perf_counter() - started) * 1000
                while chunk := response.read(1 << 20):
                    total += len(chunk)
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            done.set()
            sampler.join()
        replaced = [w.pid for w in workers if not w.is_running()]
    growth = max(peak[pid] - resting[pid] for pid in resting) / 2**20
    expected = round(csv_result.extra["MB"] * 2**20)
    result = Result(
        size,
        f"CSV export via gunicorn (time-out {timeout} s)",
        [elapsed],
        0,
        0.0,
        None,
        "psql COPY",
        csv_result.reference_ms,
    )
    result.extra.update(
        {
            "first byte ms": first_byte,
            "first row ms": first_row,
            "worker RSS above rest MB": growth,
            "complete": "yes" if total == expected and not replaced else f"NO ({total} bytes)",
        }
    )
    report(result)
    return result


# --- reporting -----------------------------------------------------------------------------------


def report(result: Result) -> None:
    ratio = f"{result.ratio:.2f}x {result.reference}" if result.ratio is not None else ""
    peak = f"{result.peak_mb:.1f} MB" if result.peak_mb is not None else "-"
    extra = " ".join(
        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.extra.items()
    )
    print(
        f"{result.size:>9,}  {result.case:<45} median {result.median:9.1f} ms "
        f"({result.spread})  {result.queries:>3} q  SQL {result.sql_ms:7.1f} ms  "
        f"peak {peak}  {ratio}  {extra}",
        flush=True,
    )


def add_page_ratios(results: list[Result], sizes: list[int]) -> None:
    """A page at a larger size is compared with the same page at the smallest size."""
    smallest = {r.case: r for r in results if r.size == sizes[0] and not r.reference}
    for result in results:
        if result.size != sizes[0] and result.case in smallest and not result.reference:
            result.reference = f"same page at {sizes[0]:,}"
            result.reference_ms = smallest[result.case].median


def write_markdown(results: list[Result], path: Path, sizes: list[int], seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    lines = [
        "# Benchmark results",
        "",
        f"Run of `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, PostgreSQL {version}, "
        f"sizes {', '.join(f'{s:,}' for s in sizes)} trajectories; the run took "
        f"{seconds / 60:.0f} minutes.",
        "",
        "Server time is measured in-process (Django test client, the whole request including "
        "rendering); peak memory is the Python heap's peak during one request (tracemalloc). "
        "Ratio: a page at the larger size against the same page at the smallest; the CSV export "
        "against `psql` COPY of the same SELECT; an aggregate export against its GROUP BY "
        "queries run by `psql`; throughput as time per request against a trivial view.",
        "",
        "| Trajectories | Case | Median ms | Spread ms | Queries | SQL ms | Peak MB "
        "| Ratio | Against | Notes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        notes = ", ".join(
            f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in r.extra.items()
            if k != "url"
        )
        lines.append(
            f"| {r.size:,} | {r.case} | {r.median:,.1f} | {r.spread} | {r.queries} "
            f"| {r.sql_ms:,.1f} | {'' if r.peak_mb is None else f'{r.peak_mb:.1f}'} "
            f"| {'' if r.ratio is None else f'{r.ratio:.2f}'} | {r.reference} | {notes} |"
        )
    path.write_text("\n".join(lines) + "\n")


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
