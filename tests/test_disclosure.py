import pytest

from doorstroom.disclosure import SUPPRESSED, suppress_count


@pytest.mark.parametrize(
    ("count", "shown"),
    [(None, None), (0, 0), (1, SUPPRESSED), (4, SUPPRESSED), (5, 5), (140, 140)],
)
def test_small_counts_are_suppressed_but_zero_and_unknown_are_not(count, shown):
    assert suppress_count(count) == shown
