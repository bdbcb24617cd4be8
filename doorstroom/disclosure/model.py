"""What a protected table is made of: cells named by what they count, the relations between
them, and the marks a hidden cell is shown with."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

SMALL_COUNT_THRESHOLD = 5
# A true count of 1 to 4 (primary suppression).
SUPPRESSED = "<5"
# Hidden so that no "<5" can be worked out from the other figures (complementary suppression),
# or computed from a hidden count (an amount beside a "<5"): any value.
PROTECTED = "x"

Shown = int | str | None
# A cell's name: the population and the conditions it counts, as (dimension, value) pairs in
# the order of the dimensions' names. Two tables counting the same thing name it the same way.
Key = tuple[tuple[str, Hashable], ...]

NOTES = {
    SUPPRESSED: _("<5: a count of 1 to 4, not shown so that nobody can be recognised."),
    PROTECTED: _(
        "x: not shown, so that a count of 1 to 4 cannot be worked out from the other figures "
        "(the hidden figure may have any value)."
    ),
}


MARKS_EXPLAINED = _(
    "Counts of 1 to 4 are shown as <5; x is a figure hidden so that no <5 can be worked out "
    "from the others."
)


def with_marks(description) -> str:
    """An export's description followed by what its marks mean (every table that protects its
    counts can show both)."""
    return format_lazy("{} {}", description, MARKS_EXPLAINED)


def key(**conditions: Hashable) -> Key:
    return tuple(sorted(conditions.items(), key=lambda item: item[0]))


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL_COUNT_THRESHOLD


def suppress_count(count: int | None) -> Shown:
    """A count published on its own, in no relation with another figure: 1 to 4 become "<5"."""
    if is_small(count):
        return SUPPRESSED
    return count


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts`; with `exact` False it is at most their sum (a breakdown in
    which one record can count in two parts, as a mandate in two provinces)."""

    total: Key
    parts: tuple[Key, ...]
    exact: bool = True


@dataclass
class Table:
    """The counts a table prints (`cells`), its relations, and the counts its relations need
    that it does not print (`unpublished`: the reader knows they exist, not their value)."""

    cells: dict[Key, int]
    relations: list[Relation] = field(default_factory=list)
    unpublished: dict[Key, int] = field(default_factory=dict)

    def breakdown(self, total: Key, parts: Mapping[Key, int], *, exact: bool = True) -> None:
        """Print `parts` as a breakdown of `total` (already in `cells` or `unpublished`)."""
        self.cells.update(parts)
        self.relations.append(Relation(total, tuple(parts), exact))


@dataclass
class Protection:
    """The outcome for a set of tables: each cell's value and, for a hidden one, its mark."""

    values: dict[Key, int]
    hidden: dict[Key, str]

    def shown(self, cell: Key) -> Shown:
        return self.hidden.get(cell, self.values[cell])

    def marks(self, cells: Iterable[Key]) -> list[str]:
        """The marks among `cells`, in the order their notes are given."""
        used = {self.hidden[c] for c in cells if c in self.hidden}
        return [mark for mark in NOTES if mark in used]


def derived(protection: Protection, count: Key, value):
    """A figure computed from the count `count` (its amount, hours, average): hidden with it."""
    return PROTECTED if count in protection.hidden else value


def marks_note(marks: Iterable[str]) -> list[str]:
    """The explanation of each mark, to print under a table where it appears."""
    return [str(NOTES[mark]) for mark in NOTES if mark in set(marks)]
