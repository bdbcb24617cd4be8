"""What each piece of hand-written rendering (doorstroom/rendering/) saves of its page's time:
the house keeps a piece only where it saves at least a fifth.

    .venv/bin/python benchmarks/rendering.py [--size 10000] [--repeat 60] [--reuse]

Every page is requested with the project as it is and with a piece switched back to what it
replaces (VARIANTS: the header and page links of the trajectory listing by django-tables2's
template with the rows by hand, and the whole table by django-tables2's template), the
variants in turn for each request and in a rotating order: a shared machine drifts by half
within minutes, so each request is compared with the "as is" one of its round and the median
of those savings is reported. Server time in-process, as `make bench` measures it (the Django
test client, the whole request). A page renders 25 rows and one filter form whatever the size
of the table, so the rendering does not depend on it: 10,000 trajectories suffice. Its own
database (`doorstroom_bench_rendering`, on the server `make bench` uses).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.database import bench_database, grow_to, prepare
from benchmarks.measure import bench_user, client_for, timed_request, warm


def table_template(name: str):
    from trajectories.tables import TrajectoryTable

    return mock.patch.object(TrajectoryTable._meta, "template_name", name)


# The listing's table as it was before its header and page links were written by hand: the
# rows by PlainRowsMixin, the rest by django-tables2's template with the keyset links.
ROWS_BY_HAND = (
    '{% extends "doorstroom/table_keyed.html" %}{% block table.tbody %}'
    "<tbody {{ table.attrs.tbody.as_html }}>{{ table.rows_html }}</tbody>"
    "{% endblock table.tbody %}"
)


def rows_by_hand():
    from django.template import engines

    template = engines["django"].from_string(ROWS_BY_HAND)
    return mock.patch(
        "django_tables2.templatetags.django_tables2.get_template", lambda name: template
    )


VARIANTS = {
    "as is": contextlib.nullcontext,
    "header and links: django-tables2": rows_by_hand,
    "table: django-tables2 template": lambda: table_template("doorstroom/table_keyed.html"),
}

PAGES = {
    "/trajecten/": list(VARIANTS),
    "/trajecten/?status=lopend&sort=-start_date&page=3": list(VARIANTS),
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
            # Each request against the "as is" one of its round: the drift of the machine
            # between rounds cancels out.
            rounds = zip(times["as is"], times[name], strict=True)
            paired = statistics.median((other - mine) / other for mine, other in rounds)
            print(
                f"  {name:<36} {median:7.2f} ms (IQR {iqr(times[name])}); "
                f"as is {base:.2f} ms; the piece saves {paired:6.1%} of the page"
            )


def iqr(values: list[float]) -> str:
    quartiles = statistics.quantiles(values, n=4)
    return f"{quartiles[0]:.1f}-{quartiles[2]:.1f}"


if __name__ == "__main__":
    main()
