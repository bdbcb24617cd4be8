"""What each hand-written rendering piece saves of its page's time (issue 20: keep a piece only
where it saves at least a fifth).

    .venv/bin/python benchmarks/rendering.py [--size 10000] [--repeat 60]

Every page is requested with the project as it is and with one piece switched back to what it
replaces (django-tables2's template, Django's form renderer, Django's helpers), the variants in
turn for each request (a shared machine drifts by half within minutes) and in a rotating order.
Server time in-process, as `make bench` measures it: the Django test client, the whole request.
A page renders 25 rows and one filter form whatever the table's size, so the rendering does not
depend on it: 10,000 trajectories suffice. Its own database (`doorstroom_bench_rendering`).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.database import bench_database
from benchmarks.run import bench_user, client_for, grow_to, prepare, timed_request, warm


def table_template(name: str):
    from trajectories.tables import TrajectoryTable

    return mock.patch.object(TrajectoryTable._meta, "template_name", name)


def django_widgets():
    """Every widget through Django's templates: the renderer with no template of its own."""
    return mock.patch.dict("doorstroom.renderers.PLAIN_TEMPLATES", clear=True)


@contextlib.contextmanager
def django_cell_helpers():
    """The Python-written cells with Django's escaping, link, date and number helpers."""
    from django.utils.formats import date_format, number_format
    from django.utils.html import conditional_escape, format_html
    from django.utils.translation import gettext

    from doorstroom.formatting import rounded

    class Numbers:
        def __call__(self, value, decimal_pos=None, force_grouping=False):
            return number_format(rounded(value, decimal_pos), decimal_pos, None, force_grouping)

        def amount(self, value):
            return gettext("€%(amount)s") % {"amount": self(value, 2, True)}

    with (
        mock.patch("doorstroom.tables.html_of", conditional_escape),
        mock.patch(
            "trajectories.tables.link_html",
            lambda url, text: format_html('<a href="{}">{}</a>', url, text),
        ),
        mock.patch(
            "trajectories.tables.date_formatter",
            lambda _format: lambda value: date_format(value, "SHORT_DATE_FORMAT"),
        ),
        mock.patch("trajectories.tables.NumberFormatter", Numbers),
    ):
        yield


def plainest_cells(self, record):
    """TrajectoryTable.cells with Django's helpers and the models' own URLs and labels."""
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from doorstroom.formatting import format_amount, format_number
    from trajectories.tables import NOT_OVERDUE_FLAG, OVERDUE_FLAG

    mandate = record.mandate
    fees = record.fees_total
    return (
        format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.worker.reference),
        mandate.call.number,
        format_html('<a href="{}">{}</a>', mandate.get_absolute_url(), mandate.project_number),
        record.origin_employer,
        date_format(record.start_date, "SHORT_DATE_FORMAT"),
        record.get_current_phase_display(),
        record.get_status_display(),
        OVERDUE_FLAG if record.is_overdue else NOT_OVERDUE_FLAG,
        format_number(record.hours_total, 1),
        None if fees is None else format_amount(fees),
    )


@contextlib.contextmanager
def plainest():
    from django.utils.html import conditional_escape

    from trajectories.tables import TrajectoryTable

    with (
        mock.patch("doorstroom.tables.html_of", conditional_escape),
        mock.patch.object(TrajectoryTable, "cells", plainest_cells),
    ):
        yield


VARIANTS = {
    "as is": contextlib.nullcontext,
    "table: django-tables2 template": lambda: table_template("doorstroom/table_keyed.html"),
    "forms: Django's widget templates": django_widgets,
    "cells: Django's helpers": django_cell_helpers,
    "cells: Django's helpers, the models' URLs and labels": plainest,
}

PAGES = {
    "/trajecten/": list(VARIANTS),
    "/trajecten/?status=lopend&sort=-start_date&page=3": list(VARIANTS),
    "/mandaten/": ["as is", "forms: Django's widget templates"],
    "/trajecten/termijnen/": ["as is", "forms: Django's widget templates"],
}


def measure(client, url: str, variants: list[str], repeat: int) -> dict[str, list[float]]:
    times = {name: [] for name in variants}
    for name in variants:
        with VARIANTS[name]():
            warm(client, url)
    for round_ in range(repeat):
        shift = round_ % len(variants)
        for name in variants[shift:] + variants[:shift]:
            with VARIANTS[name]():
                times[name].append(timed_request(client, url)[0])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--database", default="doorstroom_bench_rendering")
    parser.add_argument("--reuse", action="store_true", help="Keep an existing database.")
    args = parser.parse_args()
    database = bench_database(args.database)
    prepare(database, reuse=args.reuse)
    grow_to(args.size)
    client = client_for(bench_user())
    for url, variants in PAGES.items():
        times = measure(client, url, variants, args.repeat)
        base = statistics.median(times["as is"])
        print(f"\n{url} ({args.size:,} trajectories, median of {args.repeat})")
        for name in variants:
            median = statistics.median(times[name])
            saved = (median - base) / median
            print(
                f"  {name:<50} {median:7.2f} ms  (IQR {iqr(times[name])})  "
                f"the piece saves {saved:6.1%} of the page"
            )


def iqr(values: list[float]) -> str:
    quartiles = statistics.quantiles(values, n=4)
    return f"{quartiles[0]:.1f}-{quartiles[2]:.1f}"


if __name__ == "__main__":
    main()
