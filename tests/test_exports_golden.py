"""Every export, in both CSV dialects and as XLSX, byte for byte as recorded in `tests/golden/`:
on the seed data and on a fixed demo data set, on a fixed day.

The guard of a change that must not change what is exported (moving code, declaring columns
once): the CSV files are compared as bytes, a workbook part by part (all but the timestamps of
its properties). Where an export is meant to change, write the files anew and read the diff:

    GOLDEN_UPDATE=1 .venv/bin/pytest tests/test_exports_golden.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone, translation

from doorstroom.exports import all_exports, export_bytes, get_export
from doorstroom.seeds import load_all
from trajectories.demo import demo_generate

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
# The day the files were written: overdue phases, indexed fees and the listing depend on it.
DAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
FORMATS = [("csv", "excel-nl"), ("csv", "rfc4180"), ("xlsx", None)]
# Beside every export without filters: filters that take another path (a filtered listing is
# read with a LATERAL join, a chosen mandate or call narrows the grouped statement).
FILTERED = {
    "trajectories": {"province": "Limburg"},
    "provider-statement": {"mandate": "7887", "date_from": "01/01/2024"},
    "trajectory-stats": {"call": "380", "date_from": "01/01/2024", "date_to": "31/12/2024"},
    "dashboard-phases": {"province": "onbekend"},
}


def cases() -> list[tuple[str, dict]]:
    return [(e.name, {}) for e in all_exports()] + list(FILTERED.items())


@pytest.fixture
def on_the_golden_day():
    with mock.patch.object(timezone, "now", return_value=DAY):
        yield


@pytest.fixture(params=["seed", "demo"])
def data_set(request, db, on_the_golden_day):
    load_all()
    if request.param == "demo":
        # Worker references come from a sequence that rolled-back tests have moved on.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('trajectories_worker_reference_seq', 1, false)")
        demo_generate(count=120, seed=20)
    return request.param


def comparable(content: bytes, file_format: str) -> bytes:
    """A CSV as it is; a workbook as its parts, without the moment it was written."""
    if file_format == "csv":
        return content
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                parts.append(b"== " + name.encode() + b"\n" + archive.read(name) + b"\n")
    return b"".join(parts)


def golden_path(data_set: str, name: str, filters: dict, file_format: str, dialect) -> Path:
    suffix = "-filtered" if filters else ""
    kind = dialect if file_format == "csv" else "xlsx.txt"
    return GOLDEN / data_set / f"{name}{suffix}.{kind}"


def test_every_export_is_written_as_recorded(data_set):
    differing = []
    with translation.override("nl-be"):
        for name, filters in cases():
            for file_format, dialect in FORMATS:
                export = get_export(name)(filters)
                written = comparable(
                    export_bytes(export, file_format, dialect or "excel-nl"), file_format
                )
                path = golden_path(data_set, name, filters, file_format, dialect)
                if UPDATE:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(written)
                elif not path.exists() or path.read_bytes() != written:
                    differing.append(path.relative_to(GOLDEN))
    assert not differing, f"exports differ from their recorded files: {differing}"


def test_the_recorded_files_are_those_of_the_exports():
    """No recorded file of an export or filter set that no longer exists (it would guard
    nothing), and a file for every case (checked above)."""
    expected = {
        golden_path(data_set, name, filters, file_format, dialect)
        for data_set in ("seed", "demo")
        for name, filters in cases()
        for file_format, dialect in FORMATS
    }
    recorded = {path for path in GOLDEN.rglob("*") if path.is_file()}
    assert recorded == expected
    assert any(b"DW-000001" in path.read_bytes() for path in recorded)  # the demo's workers
