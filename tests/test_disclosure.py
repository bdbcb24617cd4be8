import pytest

from doorstroom.disclosure import SUPPRESSED, suppress_count, suppress_grid, suppress_line

S = SUPPRESSED


@pytest.mark.parametrize(
    ("count", "shown"),
    [(None, None), (0, 0), (1, S), (4, S), (5, 5), (140, 140)],
)
def test_small_counts_are_suppressed_but_zero_and_unknown_are_not(count, shown):
    assert suppress_count(count) == shown


def test_a_total_that_would_reveal_one_suppressed_cell_is_suppressed():
    # 12 + 3 + 8 = 23: publishing 23 would give the 3 away.
    assert suppress_line([12, 3, 8]) == ([12, S, 8], S)


def test_a_total_over_several_suppressed_cells_summing_to_less_than_five_is_suppressed():
    assert suppress_line([10, 1, 2]) == ([10, S, S], S)


def test_a_total_over_suppressed_cells_summing_to_five_or_more_stays():
    # The reader learns only that the two hidden cells add up to 6.
    assert suppress_line([10, 2, 4]) == ([10, S, S], 16)


def test_a_line_without_small_cells_is_published_whole():
    assert suppress_line([10, 0, 7]) == ([10, 0, 7], 17)


def test_grid_applies_secondary_suppression_to_rows_columns_and_grand_total():
    counts = {("A", "x"): 10, ("A", "y"): 3, ("B", "x"): 20, ("B", "y"): 30}
    grid = suppress_grid(counts, rows=["A", "B"], columns=["x", "y"])
    assert grid.cells == {("A", "x"): 10, ("A", "y"): S, ("B", "x"): 20, ("B", "y"): 30}
    # Row A and column y would each give the 3 away.
    assert grid.row_totals == {"A": S, "B": 50}
    assert grid.column_totals == {"x": 30, "y": S}
    # With row A's total hidden, the grand total would give it away (63 - 50 = 13).
    assert grid.grand_total == S


def test_grid_without_small_counts_is_untouched():
    counts = {("A", "x"): 10, ("A", "y"): 0, ("B", "x"): 20, ("B", "y"): 30}
    grid = suppress_grid(counts, rows=["A", "B"], columns=["x", "y"])
    assert grid.cells[("A", "y")] == 0
    assert grid.row_totals == {"A": 10, "B": 50}
    assert grid.grand_total == 60


def test_no_published_figure_lets_a_suppressed_cell_be_recovered():
    """Brute force: for every hidden cell, no published total equals it plus published parts."""
    import itertools

    for values in itertools.product([0, 1, 3, 6], repeat=4):
        counts = dict(zip([("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")], values, strict=True))
        grid = suppress_grid(counts, rows=["A", "B"], columns=["x", "y"])
        lines = [
            ([("A", "x"), ("A", "y")], grid.row_totals["A"]),
            ([("B", "x"), ("B", "y")], grid.row_totals["B"]),
            ([("A", "x"), ("B", "x")], grid.column_totals["x"]),
            ([("A", "y"), ("B", "y")], grid.column_totals["y"]),
        ]
        for keys, total in lines:
            hidden = [k for k in keys if grid.cells[k] == S]
            if total != S:
                assert len(hidden) != 1, (counts, keys)
