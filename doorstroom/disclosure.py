"""Statistical disclosure control: the one place that decides what a published count may show.

Counts derived from individual workers that are between 1 and 4 could identify a person, so
every export and answer pack shows them as "<5" (primary suppression). Zero stays zero (it
identifies nobody) and an unknown count stays empty: unknown is not zero.

A published total must not let a reader recover a suppressed cell by subtraction (secondary
suppression): a total is suppressed too when exactly one of its parts is suppressed, or when
its suppressed parts add up to less than five (their sum would itself be a small count). With
two or more suppressed parts adding up to five or more, the reader learns only their sum, which
does not pin down any one of them. In a table with row and column totals this is applied until
nothing changes, a suppressed row total counting as a suppressed part of the grand total.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

SMALL_COUNT_THRESHOLD = 5
SUPPRESSED = "<5"

Shown = int | str | None


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL_COUNT_THRESHOLD


def suppress_count(count: int | None) -> Shown:
    """The count as it may be published on its own: 1 to 4 become "<5"."""
    if is_small(count):
        return SUPPRESSED
    return count


def total_reveals(parts: Iterable[int], suppressed: Iterable[bool]) -> bool:
    """Whether publishing the total of `parts` would reveal a suppressed part."""
    hidden = [part for part, is_hidden in zip(parts, suppressed, strict=True) if is_hidden]
    return len(hidden) == 1 or (len(hidden) > 1 and sum(hidden) < SMALL_COUNT_THRESHOLD)


def suppress_line(parts: Sequence[int]) -> tuple[list[Shown], Shown]:
    """A line of counts with its total, as they may be published."""
    hidden = [is_small(p) for p in parts]
    total = sum(parts)
    shown = [SUPPRESSED if h else p for p, h in zip(parts, hidden, strict=True)]
    if is_small(total) or total_reveals(parts, hidden):
        return shown, SUPPRESSED
    return shown, total


@dataclass
class SuppressedGrid:
    cells: dict[tuple[Hashable, Hashable], Shown]
    row_totals: dict[Hashable, Shown]
    column_totals: dict[Hashable, Shown]
    grand_total: Shown


def suppress_grid(
    counts: Mapping[tuple[Hashable, Hashable], int],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
) -> SuppressedGrid:
    """A two-way table of counts with row, column and grand totals, as it may be published.

    Missing cells count as zero.
    """
    value = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    hidden = {key: is_small(v) for key, v in value.items()}
    row_sum = {r: sum(value[r, c] for c in columns) for r in rows}
    col_sum = {c: sum(value[r, c] for r in rows) for c in columns}
    grand = sum(row_sum.values())
    row_hidden = {r: is_small(row_sum[r]) for r in rows}
    col_hidden = {c: is_small(col_sum[c]) for c in columns}
    grand_hidden = is_small(grand)

    changed = True
    while changed:
        changed = False
        for r in rows:
            parts = [value[r, c] for c in columns]
            if not row_hidden[r] and total_reveals(parts, [hidden[r, c] for c in columns]):
                row_hidden[r] = changed = True
        for c in columns:
            parts = [value[r, c] for r in rows]
            if not col_hidden[c] and total_reveals(parts, [hidden[r, c] for r in rows]):
                col_hidden[c] = changed = True
        if not grand_hidden and (
            total_reveals([row_sum[r] for r in rows], [row_hidden[r] for r in rows])
            or total_reveals([col_sum[c] for c in columns], [col_hidden[c] for c in columns])
        ):
            grand_hidden = changed = True

    def show(count: int, is_hidden: bool) -> Shown:
        return SUPPRESSED if is_hidden else count

    return SuppressedGrid(
        cells={key: show(value[key], hidden[key]) for key in value},
        row_totals={r: show(row_sum[r], row_hidden[r]) for r in rows},
        column_totals={c: show(col_sum[c], col_hidden[c]) for c in columns},
        grand_total=show(grand, grand_hidden),
    )
