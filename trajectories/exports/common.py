"""What the exports of trajectories share: the labels of their headers and lines."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trajectories.models import Phase

PHASE = _("Phase")
FEE = _("Fee (EUR)")
ESF_CALL = _("ESF call")
INDEX_MONTH = _("Index month")
TRAJECTORY_COUNT = _("Number of trajectories")
COMPLETED_PHASE_COUNT = _("Number of completed phases")


def choice_labels(choices) -> dict:
    """Stored value -> label in the active language, for every member of a choices enum."""
    return {member.value: str(member.label) for member in choices}


def phase_labels() -> dict:
    """Phase -> label in the active language, and None (no phase started yet) -> its label."""
    return {**choice_labels(Phase), None: gettext("no phase started yet")}


def month_label(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None
