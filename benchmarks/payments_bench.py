"""Benchmark cases of paying providers, run by `make bench` (benchmarks/run.py):

* making a claim from 10,000 completed phases (`claim_create`, rolled back after each run), and
* the ledger page (`/betalingen/grootboek/`),

each at every size, the sizes measured in turn as the page cases are, and compared with the same
case at the smallest size (target: at most 1.2 x).

The claim needs a mandate with exactly 10,000 completed phases at every size: `prepare(size)`,
called once the database has grown to a size, moves 2,500 completed demo trajectories (four
phases each) to a mandate of its own the first time, and at a larger size moves back out what
the demo generator added to it since, so both sizes claim the very same phases.

This module imports nothing from run.py: it returns plain dicts, which run.py turns into its
results (the hook is `prepare` after each growth and `cases` with the sites open).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

BENCH_PROJECT = 99_001
BENCH_TRAJECTORIES = 2_500  # completed, four phases each: 10,000 completed phases
# Where the demo trajectories generated onto the bench mandate at a larger size go back to.
OVERFLOW_PROJECT = 6441
PERIOD = {"period_start": dt.date(2017, 1, 1), "period_end": dt.date(2026, 10, 31)}
LEDGER = "/betalingen/grootboek/"
CLAIM_CASE = "payments: make a claim of 10,000 phases"
LEDGER_CASE = "payments: ledger page"


def prepare(size: int) -> None:
    """The bench mandate with exactly BENCH_TRAJECTORIES completed trajectories."""
    from mandates.models import Call, Mandate, Organisation
    from trajectories.models import Trajectory, TrajectoryStatus

    mandate = Mandate.objects.filter(project_number=BENCH_PROJECT).first()
    if mandate is None:
        promoter = Organisation.objects.order_by("pk").first()
        mandate = Mandate.objects.create(
            project_number=BENCH_PROJECT,
            name="Benchmark: schuldvordering van 10.000 fasen",
            call=Call.objects.order_by("pk").first(),
            promoter=promoter,
            promoter_as_written=promoter.name,
        )
        chosen = list(
            Trajectory.objects.filter(status=TrajectoryStatus.COMPLETED, is_demo=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:BENCH_TRAJECTORIES]
        )
        if len(chosen) < BENCH_TRAJECTORIES:
            raise SystemExit(f"Only {len(chosen)} completed trajectories at {size:,}.")
        Trajectory.objects.filter(pk__in=chosen).update(mandate=mandate)
        _compact_ledger()
        return
    kept = (
        Trajectory.objects.filter(mandate=mandate).order_by("pk").values("pk")[:BENCH_TRAJECTORIES]
    )
    extra = Trajectory.objects.filter(mandate=mandate).exclude(pk__in=kept)
    extra.update(mandate=Mandate.objects.get(project_number=OVERFLOW_PROJECT))
    _compact_ledger()


def _compact_ledger() -> None:
    """The demo generator writes a million trajectories in one transaction, a COPY per 10,000:
    each of the ledger's ~4,700 rows is updated by every COPY, a hundred versions that no
    VACUUM can prune while the transaction runs (33 MB for 4,700 rows). Written one phase at a
    time, as in use, the updates stay on their page (fillfactor 50, migration 0002) and the
    table stays the size of its rows: that state is the one measured."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE) payments_ledgermonth")


def _claim_once(user) -> tuple[float, int, float, int]:
    """(ms, queries, SQL ms, lines) of one claim made and rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from mandates.models import Mandate
    from payments.services import claim_create

    mandate = Mandate.objects.get(project_number=BENCH_PROJECT)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        started = time.perf_counter()
        claim = claim_create(user=user, mandate=mandate, **PERIOD)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return elapsed, len(captured), sql, claim.line_count


def _page_once(client, url: str) -> tuple[float, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        len(response.content)
        elapsed = (time.perf_counter() - started) * 1000
    sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return elapsed, len(captured), sql


def cases(sites, repeat: int, only: list[str], *, user) -> list[dict]:
    """Both cases at every size, the sizes in turn for each timed run (`sites` as run.py opens
    them: `size`, `client`, `activate()`); dicts with Result's fields."""
    if only and not any(CLAIM_CASE.startswith(p) or LEDGER_CASE.startswith(p) for p in only):
        return []
    runs = {
        CLAIM_CASE: (max(3, repeat // 3), lambda site: _claim_once(user)[:3]),
        LEDGER_CASE: (repeat, lambda site: _page_once(site.client, LEDGER)),
    }
    results = []
    for case, (count, measure) in runs.items():
        times = {site.size: [] for site in sites}
        made = {}
        for site in sites:  # once untimed: caches and plans are warm for the timed runs
            site.activate()
            measure(site)
        for _ in range(count):
            for site in sites:
                site.activate()
                elapsed, queries, sql = measure(site)
                times[site.size].append(elapsed)
                made[site.size] = (queries, sql)
        for site in sites:
            extra = {}
            if case == CLAIM_CASE:
                site.activate()
                extra["lines"] = _claim_once(user)[3]
            results.append(
                {
                    "size": site.size,
                    "case": case,
                    "times_ms": times[site.size],
                    "queries": made[site.size][0],
                    "sql_ms": made[site.size][1],
                    "extra": extra,
                }
            )
            print(
                f"{site.size:>9,}  {case:<45} median {statistics.median(times[site.size]):9.1f} "
                f"ms  {made[site.size][0]:>3} q",
                flush=True,
            )
    return results
