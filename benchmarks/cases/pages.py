"""Pages at every size, requested in turn: each size's database over its own open connection."""

from __future__ import annotations

import html
import re
import statistics
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from benchmarks.database import Database
from benchmarks.measure import bench_user, client_for, heap_peak, sql_time, timed_request, warm
from benchmarks.report import Result, report


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


def planned_cases(sites: list[Site], repeat: int, only: list[str]) -> list[tuple]:
    """(case, URL per site, first page or None, timed runs) of every page case: PAGE_CASES and
    the catalogue's (every page, listing sort and admin list, search and sort)."""
    from benchmarks.cases import catalogue

    sites[0].activate()
    filtered = filtered_url()
    planned = []
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
        planned.append((case, urls, first_page, repeat))
    for entry in catalogue.all_cases():
        if only and not any(entry.case.startswith(prefix) for prefix in only):
            continue
        urls = {}
        for site in sites:
            site.activate()
            urls[site.size] = entry.url()
            if "search" in entry.tags:
                urls[site.size] += "?" + catalogue.search_query(entry)
        planned.append((entry.case, urls, None, entry.repeat or repeat))
    return planned


def page_cases(sites: list[Site], repeat: int, only: list[str]) -> list[Result]:
    """Every page at every size, the sizes in turn for each timed request."""

    results = []
    try:
        for case, urls, first_page, runs in planned_cases(sites, repeat, only):
            results += measure_in_turn(sites, case, urls, first_page, runs)
    finally:
        for site in sites:
            site.connection.close()
    return results


def measure_in_turn(sites, case: str, urls: dict, first_page, repeat: int) -> list[Result]:
    results = []
    for site in sites:
        site.activate()
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
                # The search's own statements: those with its LIKE or UPPER (count and keys).
                like = [
                    q for q in queries[site.size] if " LIKE " in q["sql"] or "UPPER(" in q["sql"]
                ]
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
    return results
