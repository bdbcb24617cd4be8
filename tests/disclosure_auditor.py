"""The attacker, in the test suite: what can be worked out about each hidden cell from what was
published.

Written apart from `doorstroom.disclosure.protection` (and on another solver: scipy's linprog,
where the application uses highspy directly) so the two do not share a mistake. It is given the
published tables of one answer pack or one dashboard view, each as the figures it printed (a
number, "<5" or "x") and the relations between them, and optionally tables published earlier
(`earlier`): all are read together, as a reader keeping old answers would. For every hidden cell
it finds the least and the greatest value consistent with everything printed, a "<5" being 1 to
4 and an "x" or an unprinted count 0 or more, and reports the cells pinned down to fewer than
`MIN_POSSIBLE_VALUES` whole numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

MIN_POSSIBLE_VALUES = 3
SMALL = "<5"
HIDDEN = "x"


@dataclass
class Published:
    """One printed table: cell -> what was printed, and (total, parts, exact) relations; cells
    that a relation names but the table did not print are unknown to the reader."""

    printed: dict[Hashable, int | str]
    relations: list[tuple[Hashable, Sequence[Hashable], bool]] = field(default_factory=list)
    # Counts that are sensitive although never printed (they can be derived, e.g. "not completed").
    sensitive_unprinted: set[Hashable] = field(default_factory=set)


@dataclass
class Finding:
    cell: Hashable
    printed: int | str | None
    least: int
    greatest: float

    @property
    def possible(self) -> float:
        return self.greatest - self.least + 1


def intervals(
    tables: Iterable[Published], earlier: Iterable[Published] = ()
) -> dict[Hashable, tuple[int, float]]:
    """The interval of every hidden or unprinted cell, given all the tables."""
    printed: dict[Hashable, int | str] = {}
    relations: list[tuple[Hashable, Sequence[Hashable], bool]] = []
    for table in [*tables, *earlier]:
        for cell, value in table.printed.items():
            # What any table printed is known: a number over a mark, "<5" over "x".
            old = printed.get(cell)
            if old is None or isinstance(value, int) or (value == SMALL and old == HIDDEN):
                printed[cell] = value
        relations += table.relations
    cells = {c for total, parts, _ in relations for c in (total, *parts)} | set(printed)
    unknown = sorted((c for c in cells if not isinstance(printed.get(c), int)), key=repr)
    index = {c: i for i, c in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for total, parts, exact in relations:
        row, constant = np.zeros(len(unknown)), 0.0
        for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * printed[cell]
        if not row.any():
            assert constant == 0 if exact else constant <= 0, (total, "printed figures disagree")
            continue
        (a_eq if exact else a_ub).append(row)
        (b_eq if exact else b_ub).append(-constant)
    bounds = [(1, 4) if printed.get(c) == SMALL else (0, None) for c in unknown]
    result: dict[Hashable, tuple[int, float]] = {}
    for cell in unknown:
        objective = np.zeros(len(unknown))
        objective[index[cell]] = 1
        ends = []
        for sign in (1, -1):
            solved = linprog(
                sign * objective,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=b_eq or None,
                A_ub=np.array(a_ub) if a_ub else None,
                b_ub=b_ub or None,
                bounds=bounds,
                method="highs",
            )
            if solved.status == 3:
                ends.append(math.inf)
                continue
            assert solved.status == 0, (cell, solved.message)
            ends.append(sign * solved.fun)
        result[cell] = (
            math.ceil(ends[0] - 1e-6),
            math.floor(ends[1] + 1e-6) if ends[1] < math.inf else math.inf,
        )
    return result


def findings(tables: Sequence[Published], earlier: Iterable[Published] = ()) -> list[Finding]:
    """The hidden cells (and sensitive unprinted ones) a reader can pin down too closely."""
    shown = {c: v for t in tables for c, v in t.printed.items()}
    sensitive = {c for t in tables for c in t.sensitive_unprinted}
    result = []
    for cell, (least, greatest) in intervals(tables, earlier).items():
        if shown.get(cell) not in (SMALL, HIDDEN) and cell not in sensitive:
            continue
        if greatest - least + 1 < MIN_POSSIBLE_VALUES:
            result.append(Finding(cell, shown.get(cell), least, greatest))
    return result


def published_from(tables, protection) -> list[Published]:
    """What the application printed for its disclosure tables (`doorstroom.disclosure.Table`)."""
    out = []
    for table in tables:
        sensitive = {c for c, v in table.unpublished.items() if 0 < v < 5}
        out.append(
            Published(
                printed={c: protection.shown(c) for c in table.cells},
                relations=[(r.total, r.parts, r.exact) for r in table.relations],
                sensitive_unprinted=sensitive,
            )
        )
    return out


def audit_protection(tables, protection, earlier: Iterable[Published] = ()) -> None:
    """Fail when a hidden cell of these tables can be worked out; check the marks tell the truth."""
    for table in tables:
        for cell in table.cells:
            shown, value = protection.shown(cell), protection.values[cell]
            assert (shown == SMALL) == (0 < value < 5) or shown == HIDDEN, (cell, value, shown)
            assert shown in (SMALL, HIDDEN, value), (cell, value, shown)
    found = findings(published_from(tables, protection), earlier)
    assert not found, found
