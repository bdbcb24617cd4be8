"""Complementary suppression: hide cells until no hidden count can be worked out.

The reader is assumed to know every relation of the tables published together and every
printed figure; a "<5" is known to lie in 1..4, any other hidden or unprinted count to be 0 or
more. What the reader can then learn about one hidden cell is the interval between its least
and its greatest value under those constraints: two linear programmes. A cell is protected when
that interval holds at least `MIN_POSSIBLE_VALUES` whole numbers.

Cells are chosen greedily, as tau-ARGUS's and sdcTable's heuristics do: for the first cell that
is not protected, the printed cell that protects it and loses the least (an interior cell
before a total, then the smallest count) is hidden, and the audit starts again.

The programmes are solved with HiGHS (highspy) on one model per call: every cell is a column,
a printed one fixed to its value, so hiding a cell only changes its bounds and each of the many
small solves starts from the last one (well under a millisecond, where building each programme
anew through scipy's linprog took six).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import highspy
import numpy as np

# highspy's Highs subclass prints a banner on the first instance (to the stdout of an export
# written to stdout, too); the core class underneath solves the same and prints nothing.
from highspy import _Highs

from doorstroom.disclosure.model import (
    PROTECTED,
    SMALL_COUNT_THRESHOLD,
    SUPPRESSED,
    Key,
    Protection,
    Relation,
    Table,
    is_small,
)

# A hidden count pinned down to one or two values is as good as published (a "<5" known to be 3
# or 4 says "at least three"): three possible values at least.
MIN_POSSIBLE_VALUES = 3
EPSILON = 1e-6
INFINITY = highspy.kHighsInf


def merge(tables: Iterable[Table]) -> tuple[dict[Key, int], set[Key], list[Relation]]:
    """All tables' counts (printed and not), the printed ones, and all relations."""
    values: dict[Key, int] = {}
    printed: set[Key] = set()
    relations: list[Relation] = []
    for table in tables:
        for cells, is_printed in ((table.cells, True), (table.unpublished, False)):
            for cell, value in cells.items():
                if values.setdefault(cell, value) != value:
                    raise ValueError(f"Two tables give {cell} as {values[cell]} and {value}.")
                if is_printed:
                    printed.add(cell)
        relations += table.relations
    return values, printed, list(dict.fromkeys(relations))


class System:
    """The reader's knowledge of a set of tables: relations, printed values, hidden cells."""

    def __init__(self, values: dict[Key, int], printed: set[Key], relations: list[Relation]):
        self.values, self.printed, self.relations = values, printed, relations
        self.hidden: dict[Key, str] = {}
        self.cells = list(values)
        self.column = {cell: i for i, cell in enumerate(self.cells)}
        columns: list[list[tuple[int, float]]] = [[] for _ in self.cells]
        for row, relation in enumerate(relations):
            terms: dict[int, float] = {}
            for term, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
                terms[self.column[term]] = terms.get(self.column[term], 0.0) + sign
            for column, coefficient in terms.items():
                if coefficient:
                    columns[column].append((row, coefficient))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.cells), len(relations)
        lp.col_cost_ = np.zeros(len(self.cells))
        bounds = [self.bounds(c) for c in self.cells]  # may be none: a table with no rows
        lp.col_lower_ = np.array([low for low, _ in bounds], float)
        lp.col_upper_ = np.array([high for _, high in bounds], float)
        # An exact relation is total - parts = 0, the others total - parts <= 0.
        lp.row_lower_ = np.array([0.0 if r.exact else -INFINITY for r in relations])
        lp.row_upper_ = np.zeros(len(relations))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.cumsum([0, *(len(c) for c in columns)]).astype(np.int32)
        lp.a_matrix_.index_ = np.array([r for c in columns for r, _ in c], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for c in columns for _, v in c], dtype=float)
        self.highs = _Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)

    def component(self, cell: Key) -> set[Key]:
        """The cells linked to `cell` through relations (other tables' cells cannot help it)."""
        if not hasattr(self, "_components"):
            parent = {c: c for c in self.cells}

            def root(c: Key) -> Key:
                while parent[c] != c:
                    parent[c] = parent[parent[c]]
                    c = parent[c]
                return c

            for relation in self.relations:
                for part in relation.parts:
                    parent[root(part)] = root(relation.total)
            groups: dict[Key, set[Key]] = {}
            for c in self.cells:
                groups.setdefault(root(c), set()).add(c)
            self._components = {c: groups[root(c)] for c in self.cells}
        return self._components[cell]

    def bounds(self, cell: Key) -> tuple[float, float]:
        mark = self.hidden.get(cell)
        if mark == SUPPRESSED:
            return 1.0, float(SMALL_COUNT_THRESHOLD - 1)
        if mark == PROTECTED or cell not in self.printed:
            return 0.0, INFINITY
        return float(self.values[cell]), float(self.values[cell])

    def hide(self, cell: Key, mark: str | None) -> None:
        """Hide `cell` with `mark`, or show it again with None."""
        if mark is None:
            self.hidden.pop(cell, None)
        else:
            self.hidden[cell] = mark
        self.highs.changeColBounds(self.column[cell], *self.bounds(cell))

    def possible_values(self, cell: Key) -> tuple[int, float]:
        """The least and greatest value of `cell` a reader can derive (inf if unbounded)."""
        column, extremes = self.column[cell], []
        for sign in (1.0, -1.0):
            self.highs.changeColCost(column, sign)
            self.highs.run()
            status = self.highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnknown:
                # A start from an unbounded solve's basis can end undecided: solve afresh.
                self.highs.clearSolver()
                self.highs.run()
                status = self.highs.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                extremes.append(sign * self.highs.getInfo().objective_function_value)
            elif sign < 0 and status in (
                highspy.HighsModelStatus.kUnbounded,
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                extremes.append(INFINITY)  # counts are 0 or more: unbounded only from above
            else:
                raise ValueError(f"The relations do not hold for {cell}: {status}")
        self.highs.changeColCost(column, 0.0)
        least, greatest = extremes
        return math.ceil(least - EPSILON), (
            math.inf if greatest >= INFINITY else math.floor(greatest + EPSILON)
        )

    def count(self, cell: Key) -> float:
        least, greatest = self.possible_values(cell)
        return greatest - least + 1

    def forced_zeros(self) -> set[Key]:
        """The cells that are 0 whatever else is hidden (the other calls when one is chosen):
        hiding one hides nothing."""
        shown = [c for c in self.cells if c not in self.hidden]
        for cell in shown:
            self.hide(cell, PROTECTED)
        zeros = {c for c in shown if self.possible_values(c)[1] == 0}
        for cell in shown:
            self.hide(cell, None)
        return zeros

    def needs_protection(self, cell: Key) -> bool:
        """Every hidden cell, and an unprinted count of 1 to 4 the relations might give away."""
        return cell in self.hidden or (cell not in self.printed and is_small(self.values[cell]))


def protect(tables: Iterable[Table]) -> Protection:
    """Primary and complementary suppression of tables published together."""
    system = System(*merge(tables))
    for cell in system.cells:
        if cell in system.printed and is_small(system.values[cell]):
            system.hide(cell, SUPPRESSED)
    # How much a cell costs to hide: a total (it sums others) before everything else, then size.
    totals: dict[Key, int] = {}
    for relation in system.relations:
        totals[relation.total] = totals.get(relation.total, 0) + 1
    order = {c: i for i, c in enumerate(system.cells)}  # the tables' own order decides ties

    def cost(cell: Key) -> tuple:
        return (totals.get(cell, 0), system.values[cell], order[cell])

    zeros = system.forced_zeros()
    # Hiding more cells only widens what a reader must allow for: a protected cell stays so.
    safe: set[Key] = set()
    added: list[tuple[Key, str | None]] = []  # what the search hid, with its mark before
    while True:
        weak = None
        for cell in system.cells:
            if cell in safe or not system.needs_protection(cell):
                continue
            if system.count(cell) < MIN_POSSIBLE_VALUES:
                weak = cell
                break
            safe.add(cell)
        if weak is None:
            prune(system, added)
            return Protection(values=system.values, hidden=dict(system.hidden))
        cell = complement(weak, system, cost, zeros)
        added.append((cell, system.hidden.get(cell)))
        system.hide(cell, PROTECTED)


def prune(system: System, added: list[tuple[Key, str | None]]) -> None:
    """Show again what the greedy search hid on the way but no longer needs (a cell hidden
    before the one that settled it), the last hidden first: each is shown again when every
    hidden cell stays protected without it."""
    for cell, before in reversed(added):
        system.hide(cell, before)
        if not all(
            system.count(c) >= MIN_POSSIBLE_VALUES
            for c in system.cells
            if system.needs_protection(c)
        ):
            system.hide(cell, PROTECTED)


def complement(weak: Key, system: System, cost, zeros: set[Key]) -> Key:
    """The cell to hide next for `weak`: the cheapest printed one that protects it alone (and is
    protected itself), else the cheapest that widens its interval, else the cheapest (a cell
    pinned by another printed one needs that one hidden too: the next rounds hide it); its own
    relations first, then those linked to them. When every printed cell is hidden, a "<5" is
    shown as "x" instead, which no longer tells that it is 1 to 4 (three "<5" summing to a "<5"
    would give that total as 3 or 4)."""
    relations = system.relations
    near = {t for r in relations if weak in (r.total, *r.parts) for t in (r.total, *r.parts)}
    linked = system.component(weak)

    def available(cells: set[Key]) -> list[Key]:
        shown = (
            c for c in cells if c in system.printed and c not in system.hidden and c not in zeros
        )
        return sorted(shown, key=cost)

    candidates = available(near) + available(linked - near)
    width = system.count(weak)
    widening = None
    for candidate in candidates:
        system.hide(candidate, PROTECTED)
        weak_count = system.count(weak)
        enough = weak_count >= MIN_POSSIBLE_VALUES
        # Its own interval only matters when it would do: half the programmes of a search.
        enough = enough and system.count(candidate) >= MIN_POSSIBLE_VALUES
        system.hide(candidate, None)
        if enough:
            return candidate
        if widening is None and weak_count > width:
            widening = candidate
    if widening or candidates:
        return widening or candidates[0]
    small = [
        c for c in (weak, *sorted(near - {weak}, key=cost)) if system.hidden.get(c) == SUPPRESSED
    ]
    if not small:
        raise ValueError(f"{weak} cannot be protected.")
    return small[0]
