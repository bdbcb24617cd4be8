"""Run by tests/test_import_hostile_files.py in a fresh process: how much CPU time and memory
reading one file costs, `python -m tests.measure_read_table FILE NAME` printing JSON.

A process of its own, because its peak resident size (what the kernel counts, C allocations
included) is the measure; the baseline is taken once Django, openpyxl and the file are loaded.
"""

import json
import os
import sys
import time


def memory_kb(field: str) -> int:
    """VmRSS (resident now) or VmHWM (the peak) of this process, in kB. Not getrusage's
    ru_maxrss: Linux carries that over from the parent across exec (pytest, with its files)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


def main(path: str, name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")
    import django

    django.setup()
    import openpyxl.reader.excel  # noqa: F401  (loaded before the baseline, as in a worker)

    from trajectories import imports

    with open(path, "rb") as file:
        data = file.read()
    # What the process holds now (its peak so far may be higher: a peak of setting up would
    # hide the reading's); the reading's peak is then the process's peak afterwards.
    baseline = memory_kb("VmRSS")
    started_cpu, started = time.process_time(), time.perf_counter()
    try:
        _kind, table = imports.read_table(data, name)
        outcome = f"read {len(table)} rows"
    except imports.ImportFileError as error:
        outcome = f"refused: {error}"
    peak = memory_kb("VmHWM")
    print(
        json.dumps(
            {
                "cpu_seconds": time.process_time() - started_cpu,
                "wall_seconds": time.perf_counter() - started,
                "extra_megabytes": (peak - baseline) / 1024,
                "outcome": outcome,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
