"""What the exports of trajectories share: the labels of their headers and lines."""

from __future__ import annotations

import datetime as dt

from django.utils import translation


def dutch(label) -> str:
    """A choice label as the Dutch reader of an export sees it, whatever the user's language."""
    with translation.override("nl-be"):
        return str(label)


def dutch_labels(choices) -> dict:
    """Stored value -> Dutch label, for every member of a choices enum."""
    return {member.value: dutch(member.label) for member in choices}


def month_label(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None
