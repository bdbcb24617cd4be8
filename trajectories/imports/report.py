"""What an import does, row by row, and how its report is stored: every message in every
language, for each reader to read in theirs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from doorstroom.languages import in_every_language
from trajectories.phase_file import (
    LABELS,
)


@dataclass
class RowError:
    """A cell's error: the column's name and the message, both put into the reader's language
    when shown (lazy)."""

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
        """`column`: its key (`trajectories.phase_file`); `message`: a lazy text."""
        self.errors.append(RowError(LABELS[column], message))
        self.action = "error"

    @property
    def key(self) -> tuple:
        return (self.worker_reference, self.project_number, self.phase)

    def as_json(self) -> dict:
        """The row with its texts still lazy: `ImportReport.as_json` stores them."""
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
        """The report as stored with its batch: every message in every language, as
        {language: text}, for the page to show in its reader's (`in_reader_language`)."""
        rows = [row.as_json() for row in self.rows]
        file_errors = list(self.file_errors)
        # Where each text is: (container, key).
        places: list[tuple] = [(file_errors, i) for i in range(len(file_errors))]
        for row in rows:
            if row["detail"]:
                places.append((row, "detail"))
            for error in row["errors"]:
                places += [(error, "column"), (error, "message")]
        texts = in_every_language([container[key] for container, key in places])
        for (container, key), text in zip(places, texts, strict=True):
            container[key] = text
        return {"file_errors": file_errors, "counts": self.counts, "rows": rows}
