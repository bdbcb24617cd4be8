"""Target-group workers, their four-phase trajectories, the fee schedules and the health index,
and the import batches of phase progress: one module each."""

from trajectories.models.batches import (
    ImportBatch,
    ImportBatchQuerySet,
    ImportStatus,
)
from trajectories.models.common import (
    NEAR_DEADLINE_DAYS,
    NORM_HOURS_PER_TRAJECTORY,
    AddMonths,
    DateRange,
    Phase,
    first_of_month,
)
from trajectories.models.fees import (
    FeeSchedule,
    FeeSchedulePhase,
    FeeScheduleQuerySet,
    HealthIndexMonth,
    IndexKind,
    ReferenceMonthRule,
    Rounding,
)
from trajectories.models.figures import (
    REFRESH_ALL,
    REFRESH_FUNCTION,
    TrajectoryFigures,
    refresh_triggers,
)
from trajectories.models.phases import (
    SYNC_CURRENT_PHASE,
    PhaseRecord,
    PhaseRecordQuerySet,
)
from trajectories.models.summaries import (
    REBUILD_FUNCTION,
    CompletedPhaseSummary,
    EndedSummary,
    RunningPhaseDaySummary,
    RunningPhaseSummary,
    StartedMonthSummary,
    StartedSummary,
)
from trajectories.models.trajectories import (
    JobOutcome,
    Trajectory,
    TrajectoryQuerySet,
    TrajectoryStatus,
)
from trajectories.models.workers import (
    NextWorkerReference,
    Worker,
    WorkerQuerySet,
    validate_insz,
)

__all__ = [
    "NEAR_DEADLINE_DAYS",
    "NORM_HOURS_PER_TRAJECTORY",
    "REBUILD_FUNCTION",
    "REFRESH_ALL",
    "REFRESH_FUNCTION",
    "SYNC_CURRENT_PHASE",
    "AddMonths",
    "CompletedPhaseSummary",
    "DateRange",
    "EndedSummary",
    "FeeSchedule",
    "FeeSchedulePhase",
    "FeeScheduleQuerySet",
    "HealthIndexMonth",
    "ImportBatch",
    "ImportBatchQuerySet",
    "ImportStatus",
    "IndexKind",
    "JobOutcome",
    "NextWorkerReference",
    "Phase",
    "PhaseRecord",
    "PhaseRecordQuerySet",
    "ReferenceMonthRule",
    "Rounding",
    "RunningPhaseDaySummary",
    "RunningPhaseSummary",
    "StartedMonthSummary",
    "StartedSummary",
    "Trajectory",
    "TrajectoryFigures",
    "TrajectoryQuerySet",
    "TrajectoryStatus",
    "Worker",
    "WorkerQuerySet",
    "first_of_month",
    "refresh_triggers",
    "validate_insz",
]
