"""The pilots (proeftuinen) 2017-2018 of answer 2 and the follow-up "Doorstroom met Zorg"."""

from pilots.models.care import (
    CareEngagement,
    CareEngagementPhase,
    CareEngagementQuerySet,
    CareEngagementRole,
    CountQualifier,
)
from pilots.models.pilots import (
    UNKNOWN_LABEL,
    Assignment,
    AssignmentQuerySet,
    ParticipantSide,
    Pilot,
    PilotOutcome,
    PilotParticipant,
    PilotQuerySet,
    PilotStatus,
    Sector,
)
from pilots.models.results import ReportedResult, ReportedResultQuerySet

__all__ = [
    "UNKNOWN_LABEL",
    "Assignment",
    "AssignmentQuerySet",
    "CareEngagement",
    "CareEngagementPhase",
    "CareEngagementQuerySet",
    "CareEngagementRole",
    "CountQualifier",
    "ParticipantSide",
    "Pilot",
    "PilotOutcome",
    "PilotParticipant",
    "PilotQuerySet",
    "PilotStatus",
    "ReportedResult",
    "ReportedResultQuerySet",
    "Sector",
]
