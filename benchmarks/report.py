"""What a case measured (`Result`), printed as it comes and written to benchmarks/results.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from dataclasses import dataclass, field
from pathlib import Path


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
            if result.queries != smallest[result.case].queries:
                result.extra["queries at smallest"] = smallest[result.case].queries


# A page at the largest size may cost at most this much its cost at the smallest (issue 21).
PAGE_TARGET = 1.2


def over_target(results: list[Result]) -> list[Result]:
    """The pages at a larger size costing more than PAGE_TARGET x the smallest, or making
    another number of queries."""
    return [
        r
        for r in results
        if r.reference.startswith("same page")
        and (r.ratio > PAGE_TARGET or "queries at smallest" in r.extra)
    ]


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
    lines += ["", f"Pages over {PAGE_TARGET} x their cost at {sizes[0]:,}, or other queries:", ""]
    lines += [
        f"- {r.case}: {r.ratio:.2f} x ({r.median:,.1f} ms at {r.size:,}), {r.queries} queries"
        + (
            f" ({r.extra['queries at smallest']} at the smallest)"
            if r.extra.get("queries at smallest")
            else ""
        )
        for r in over_target(results)
    ] or ["- none"]
    path.write_text("\n".join(lines) + "\n")
