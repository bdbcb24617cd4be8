"""Statistical disclosure control: the one place that decides what a published count may show.

A published table is a set of cells, each a count of worker records identified by what it
counts (its key: the population and the conditions, e.g. trajectories started in 2020 in call
380 with status "running"), and linear relations between them (a breakdown adds up to its
total). The cells of several tables that count the same thing have the same key, so tables
published together (one dashboard view, one answer pack) are protected together.

* A count of 1 to 4 could identify a person: it is shown as "<5" (primary suppression), and
  "<5" means exactly that, a true count of 1 to 4. Zero stays zero, unknown stays empty.
* A cell hidden only so that no "<5" can be worked out from the others is shown as "x"
  (complementary suppression), whatever its value; `NOTES` explain both marks under a table.
* Cells are hidden until every hidden cell can take at least three values given everything
  published (`protection.System`, by linear programming); the cells that lose least are chosen
  (interior cells before totals, small counts before large ones), so totals are published
  unless nothing else can protect the cells.
* A figure computed from a hidden count (an amount, hours, an average) is hidden with it
  (`derived`).
"""

from __future__ import annotations

from doorstroom.disclosure.model import (
    PROTECTED,
    SMALL_COUNT_THRESHOLD,
    SUPPRESSED,
    Key,
    Protection,
    Relation,
    Shown,
    Table,
    derived,
    is_small,
    key,
    marks_note,
    suppress_count,
    with_marks,
)
from doorstroom.disclosure.protection import MIN_POSSIBLE_VALUES, protect

__all__ = [
    "MIN_POSSIBLE_VALUES",
    "PROTECTED",
    "SMALL_COUNT_THRESHOLD",
    "SUPPRESSED",
    "Key",
    "Protection",
    "Relation",
    "Shown",
    "Table",
    "derived",
    "is_small",
    "key",
    "marks_note",
    "protect",
    "suppress_count",
    "with_marks",
]
