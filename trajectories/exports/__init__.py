"""Exports of the trajectories app, one module per family: the fee table (`fees`), the counts
for parliament (`counts`), the provider statement (`statement`), the listing and the phase file
(`listing`) and the dashboard's figures (`dashboard`).

Only `trajectories` and `trajectory-phases` (for staff) carry the worker's pseudonymous
reference; the others are aggregates and carry no one's data at all. Every one is written in
the language of the export (`doorstroom.exports`): headers and labels from the catalogs, names
as stored.
"""

# Importing the modules registers their exports (doorstroom.apps autodiscovers this package).
from trajectories.exports import counts, dashboard, fees, listing, statement
from trajectories.exports.listing import (
    ImportTemplateExport,
    TrajectoriesExport,
    TrajectoryPhasesExport,
)
from trajectories.exports.statement import ProviderStatementExport

__all__ = [
    "ImportTemplateExport",
    "ProviderStatementExport",
    "TrajectoriesExport",
    "TrajectoryPhasesExport",
    "counts",
    "dashboard",
    "fees",
    "listing",
    "statement",
]
