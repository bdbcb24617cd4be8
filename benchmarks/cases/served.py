"""The application under gunicorn: the listing's throughput against a trivial view (wrk), and
the full CSV downloaded through a worker time-out shorter than the download."""

from __future__ import annotations

import statistics
import time

from benchmarks.report import Result, report
from benchmarks.servers import ensure_wrk, gunicorn_server, session_cookie, wrk_rate

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
