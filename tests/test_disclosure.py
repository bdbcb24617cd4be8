"""Primary and complementary suppression (doorstroom.disclosure) on small tables."""

import pytest

from doorstroom.disclosure import PROTECTED, SUPPRESSED, Table, key, protect, suppress_count
from tests.disclosure_auditor import audit_protection

S, X = SUPPRESSED, PROTECTED
T = key()


def line(parts, total=None) -> Table:
    table = Table(cells={T: sum(parts) if total is None else total})
    table.breakdown(T, {key(part=i): value for i, value in enumerate(parts)})
    return table


def shown_line(parts) -> tuple[list, object]:
    protection = protect([line(parts)])
    return [protection.shown(key(part=i)) for i in range(len(parts))], protection.shown(T)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(None, None), (0, 0), (1, S), (4, S), (5, 5), (140, 140)],
)
def test_small_counts_are_suppressed_but_zero_and_unknown_are_not(count, shown):
    assert suppress_count(count) == shown


def test_a_single_small_cell_is_protected_by_an_interior_cell_not_by_the_total():
    # 12 + 3 + 8 = 23: the total stays, and the 8 (the smallest other cell) is hidden as "x".
    assert shown_line([12, 3, 8]) == ([12, S, X], 23)


def test_a_zero_is_the_cheapest_complement():
    assert shown_line([12, 3, 0, 8]) == ([12, S, X, 8], 23)


def test_two_small_cells_that_protect_each_other_need_nothing_more():
    # 2 + 3 = 5 with both in 1..4: each can be 1 to 4.
    assert shown_line([10, 2, 3]) == ([10, S, S], 15)


def test_a_total_of_five_or_more_is_never_printed_as_small():
    for parts in ([1, 1, 3], [1, 0, 0, 4], [2, 2, 2]):
        assert shown_line(parts)[1] == sum(parts)
    # 4 + 4: the total would give both away; it is hidden as "x", never printed as "<5".
    assert shown_line([4, 4]) == ([S, S], X)


def test_the_total_is_hidden_only_when_nothing_else_protects():
    # 3 + 4 = 7: the two "<5" would be 3 or 4 each; only the total is left to hide.
    assert shown_line([3, 4]) == ([S, S], X)


def test_a_small_total_of_small_parts_is_x_when_the_parts_would_pin_it():
    # Three "<5" adding up to a "<5": the total would be 3 or 4; it is shown as "x" instead.
    assert shown_line([1, 1, 2]) == ([S, S, S], X)


def test_a_line_without_small_cells_is_published_whole():
    assert shown_line([10, 0, 7]) == ([10, 0, 7], 17)


def test_a_grid_with_margins_keeps_its_margins_and_passes_the_audit():
    values = {("A", "u"): 1, ("A", "v"): 7, ("A", "w"): 0, ("B", "u"): 2, ("B", "v"): 0}
    values |= {("B", "w"): 3, ("C", "u"): 3, ("C", "v"): 3, ("C", "w"): 12}
    table = grid(values, "ABC", "uvw")
    protection = protect([table])
    margins = [key(r=r) for r in "ABC"] + [key(c=c) for c in "uvw"] + [T]
    assert all(m not in protection.hidden for m in margins)
    audit_protection([table], protection)


def grid(values, rows, columns) -> Table:
    table = Table(cells={T: sum(values.values())})
    table.breakdown(T, {key(r=r): sum(values[r, c] for c in columns) for r in rows})
    table.breakdown(T, {key(c=c): sum(values[r, c] for r in rows) for c in columns})
    for r in rows:
        table.breakdown(key(r=r), {key(r=r, c=c): values[r, c] for c in columns})
    for c in columns:
        table.breakdown(key(c=c), {key(r=r, c=c): values[r, c] for r in rows})
    return table
