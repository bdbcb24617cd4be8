"""Statistical disclosure control: the one place that decides what a published count may show.

Counts derived from individual workers that are between 1 and 4 could identify a person, so
every export and answer pack shows them as "<5". Zero stays zero (it identifies nobody) and an
unknown count stays empty: unknown is not zero.
"""

from __future__ import annotations

SMALL_COUNT_THRESHOLD = 5
SUPPRESSED = "<5"


def suppress_count(count: int | None) -> int | str | None:
    """The count as it may be published: 1 to 4 become "<5"."""
    if count is None:
        return None
    if 0 < count < SMALL_COUNT_THRESHOLD:
        return SUPPRESSED
    return count
