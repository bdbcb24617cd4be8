"""Charts drawn on the server as SVG: no script, no chart library, no network.

Each chart is a picture of a table the page also shows, so the figures stay readable (and
accessible) without the picture. Values that disclosure control replaced by "<5" are drawn
without a bar and labelled as such; unknown values (None) are labelled "unknown" (in the active
language).
"""

from __future__ import annotations

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
    """A horizontal bar chart; longest bar = largest value."""
    gap = 6
    legend_line = 20
    top = 8 + legend_line * len(legend)
    height = top + len(bars) * (bar_height + gap) + 8
    largest = max((_numeric(b.value) for b in bars), default=0) or 1
    room = width - label_width - 80
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
            f'font-size="13">{escape(format_count(bar.value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
