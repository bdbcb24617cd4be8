"""Files and trajectories for the import tests."""

import datetime as dt
import io

from doorstroom.exports import iter_csv_rows, new_workbook, xlsx_append_sheet
from tests.factories.mandates import MandateFactory, OrganisationFactory
from trajectories.models import Trajectory
from trajectories.services import trajectory_start, worker_create

# The template's columns that a progress file fills in, named as in the template providers were
# given (Dutch; the English names are read too).
HEADER = ["Referentie werknemer", "Projectnummer", "Fase", "Startdatum", "Einddatum", "Uren"]
START = dt.date(2019, 3, 4)


def csv_file(rows, *, dialect: str = "excel-nl", header=HEADER) -> bytes:
    return "".join(iter_csv_rows(header, rows, dialect)).encode("utf-8")


def xlsx_file(rows, *, header=HEADER) -> bytes:
    workbook = new_workbook()
    xlsx_append_sheet(workbook, title="Fasen", header=header, rows=rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def started(*, mandate=None, start: dt.date = START, insz: str | None = None) -> Trajectory:
    """A running trajectory in its Voortraject (as the service starts it)."""
    return trajectory_start(
        worker=worker_create(first_name="Els", last_name="Wouters", insz=insz),
        mandate=mandate or MandateFactory(),
        origin_employer=OrganisationFactory(),
        start_date=start,
    )
