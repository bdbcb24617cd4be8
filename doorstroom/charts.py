"""Charts drawn on the server as SVG: no script, no chart library, no network.

Each chart is a picture of a table the page also shows, so the figures stay readable (and
accessible) without the picture. Values that disclosure control replaced by "<5" are drawn
without a bar and labelled as such; unknown values (None) are labelled "unknown" (in the active
language).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from doorstroom.formatting import format_count

PALETTE = ("#0b4f8a", "#2a7f62", "#b35c00", "#6b4c9a", "#a4000f", "#4d5d6c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | Decimal | str | None
    series: int = 0  # index into PALETTE, for grouped bars


def _numeric(value) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    width: int = 560,
    bar_height: int = 22,
    label_width: int = 190,
    legend: Sequence[str] = (),
) -> SafeString:
    """A horizontal bar chart; longest bar = largest value. With a legend (grouped bars), each
    bar's value is written with its series' name ("Lopend: 12"), so a bar is read without
    matching its colour."""
    gap = 6
    legend_line = 20
    top = 8 + legend_line * len(legend)
    height = top + len(bars) * (bar_height + gap) + 8
    largest = max((_numeric(b.value) for b in bars), default=0) or 1
    named = len(legend) > 1
    room = width - label_width - 80 - (8 * max(map(len, legend)) + 10 if named else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    # One line per series, from the bars' left edge: side by side, a third series' name ran
    # past the picture's right edge and was cut off ("St").
    for index, name in enumerate(legend):
        x, y = label_width, 6 + index * legend_line
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="{y + 11}" font-size="12">{escape(name)}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = round(room * _numeric(bar.value) / largest)
        colour = PALETTE[bar.series % len(PALETTE)]
        value_text = format_count(bar.value)
        if named:
            value_text = f"{legend[bar.series]}: {value_text}"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.0f}" font-size="13" '
            f'text-anchor="end">{escape(bar.label)}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.7:.0f}" '
            f'font-size="13">{escape(value_text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | Decimal | str | None]  # one per category


CHAR_WIDTH = 9  # px per character of a 14 px text, generously (digits and capitals)


def nice_step(largest: float, steps: int = 4) -> int:
    """A whole, round step (1, 2 or 5 times a power of ten) for about `steps` gridlines up to
    `largest`."""
    raw = max(largest, steps) / steps
    power = 10 ** math.floor(math.log10(raw))
    return int(next(power * m for m in (1, 2, 5, 10) if power * m >= raw))


def column_chart(
    title: str,
    categories: Sequence[tuple[str, str]],
    series: Sequence[Series],
    *,
    width: int = 400,
    plot_height: int = 170,
) -> SafeString:
    """Vertical columns per category (a quarter), side by side per series, with a value axis,
    gridlines, category labels (a first line, and a second one where it changes: the year) and
    a legend that wraps instead of running off the picture. Drawn at a small width, so its text
    stays readable when the picture is scaled down to a phone (375 px)."""
    largest = max((_numeric(v) for s in series for v in s.values), default=0)
    step = nice_step(largest)
    top_value = step * max(1, math.ceil(largest / step))
    ticks = [step * i for i in range(round(top_value / step) + 1)]
    tick_labels = [format_count(tick) for tick in ticks]
    left = 12 + CHAR_WIDTH * max(len(label) for label in tick_labels)
    right = 8
    # The legend: entries side by side while they fit, then on the next line.
    legend, x, y = [], left, 4
    for index, entry in enumerate(series):
        entry_width = 18 + CHAR_WIDTH * len(entry.name) + 14
        if x > left and x + entry_width > width - right:
            x, y = left, y + 20
        legend.append((x, y, index, entry.name))
        x += entry_width
    plot_top = y + 20 + 12
    base = plot_top + plot_height
    height = base + 42
    plot_width = width - left - right
    group = plot_width / max(len(categories), 1)
    column = group * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart column-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for x, y, index, name in legend:
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="{y + 11}" font-size="14">{escape(name)}</text>'
        )
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = base - plot_height * float(tick) / float(top_value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#4d5d6c" if tick == 0 else "#d5dbe1"}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="14" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    previous_second = None
    for i, (first, second) in enumerate(categories):
        centre = left + group * (i + 0.5)
        parts.append(
            f'<text x="{centre:.1f}" y="{base + 17}" font-size="14" text-anchor="middle">'
            f"{escape(first)}</text>"
        )
        if second != previous_second:
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 35}" font-size="14" text-anchor="middle">'
                f"{escape(second)}</text>"
            )
        previous_second = second
        for s, entry in enumerate(series):
            value = entry.values[i]
            x = left + group * i + group * 0.1 + column * s
            tip = f"{entry.name}, {first} {second}: {format_count(value)}"
            length = plot_height * _numeric(value) / float(top_value)
            if isinstance(value, str) or value is None:
                # Hidden by disclosure control ("<5", "x") or unknown: a mark, not a column.
                parts.append(
                    f'<text x="{x + column / 2:.1f}" y="{base - 4}" font-size="12" '
                    f'text-anchor="middle">{escape(format_count(value))}'
                    f"<title>{escape(tip)}</title></text>"
                )
            elif length > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - length:.1f}" width="{column:.1f}" '
                    f'height="{length:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                    f"<title>{escape(tip)}</title></rect>"
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))
