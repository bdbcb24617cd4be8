"""What an import does, row by row: its report, as stored with the batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class RowResult:
    """What one row of the file does (or would do), or why it cannot."""

    row: int
    worker_reference: str = ""
    project_number: int | None = None
    phase: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    hours: Decimal | None = None
    insz: str = ""
    action: str = ""  # created, changed, unchanged, error
    detail: str = ""
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(column, message))
        self.action = "error"

    @property
    def key(self) -> tuple:
        return (self.worker_reference, self.project_number, self.phase)

    def as_json(self) -> dict:
        data = asdict(self)
        for name in ("start_date", "end_date"):
            data[name] = data[name].isoformat() if data[name] else None
        data["hours"] = str(data["hours"]) if data["hours"] is not None else None
        data.pop("insz")  # never kept: the report is stored with the batch
        return data


ACTIONS = ("created", "changed", "unchanged", "error")


@dataclass
class ImportReport:
    file_name: str
    checksum: str
    file_format: str = ""
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action or "error"] += 1
        return counts

    def as_json(self) -> dict:
        return {
            "file_errors": self.file_errors,
            "counts": self.counts,
            "rows": [row.as_json() for row in self.rows],
        }
