"""The pilots exports reproduce answers 2b, 2c and 3b through the shared export mechanism."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from doorstroom.exports import ExportError, export_bytes, get_export
from pilots.models import Pilot

SOURCE = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_48d9695bdbe61c69.txt"
HEADER_2B = ["Sector", "Dienstverlener", "Deelnemende organisaties"]


def run_export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def table_text_from_rows(rows: list[list[str]]) -> str:
    """The rows written back the way the source lays the table out: sector and provider once."""
    parts, previous = [], None
    for sector, provider, line in rows:
        if (sector, provider) != previous:
            parts += ["Centrum management" if sector == "Centrummanagement" else sector, provider]
            previous = (sector, provider)
        parts.append(line)
    return " ".join(parts)


@pytest.fixture
def source_table_text() -> str:
    if not SOURCE.exists():
        pytest.skip(f"source document not found at {SOURCE}")
    text = SOURCE.read_text(encoding="utf-8")
    start = text.index("Deelnemende organisaties") + len("Deelnemende organisaties")
    return re.sub(r"\s+", " ", text[start : text.index("c) Voor de proeftuinen")]).strip()


def test_command_rfc4180_reproduces_the_table_of_answer_2b(seed, source_table_text):
    text = run_export("pilots", "--dialect", "rfc4180")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER_2B
    assert len(rows) == 28
    assert rows[1] == ["Zorg", "Deloitte", "Ryhove \u2013 WZC Helianthus"]
    assert rows[24] == ["Centrummanagement", "BDO", "Stad Geraardsbergen"]
    assert rows[27] == ["ICT", "BDO", "Robovision (REC) en Weerwerk (SEC)"]
    assert table_text_from_rows(rows[1:]) == source_table_text


def test_excel_dialect_has_the_same_rows_with_semicolons(seed, source_table_text):
    data = export_bytes(get_export("pilots")(), "csv", "excel-nl").decode("utf-8")
    assert data.startswith("\ufeffSector;Dienstverlener;Deelnemende organisaties\r\n")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 28
    assert table_text_from_rows(rows[1:]) == source_table_text


def test_export_follows_the_source_order_not_the_page_sort(seed, admin_client_):
    response = admin_client_.get(
        "/exports/pilots/", {"format": "csv", "dialect": "rfc4180", "sort": "-source_order"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2] == "Ryhove \u2013 WZC Helianthus"


def test_xlsx_holds_the_same_table(seed):
    workbook = load_workbook(io.BytesIO(export_bytes(get_export("pilots")(), "xlsx")))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == HEADER_2B
    assert len(rows) == 28
    assert rows[6] == ["Retail", "Deloitte", "Ateljee & Wibra"]


def test_export_takes_the_page_filters(seed, admin_client_):
    text = run_export("pilots", "--dialect", "rfc4180", "--filter", "sector=Retail")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[2] for row in rows[1:]] == [
        "Ryhove & Zeeman",
        "Ateljee & Wibra",
        "De Kringwinkel & Casa",
        "De Sprong & Maxi Zoo",
        "Spoor 2 & Zeeman",
    ]
    response = admin_client_.get(
        "/exports/pilots/", {"format": "csv", "provider": "BDO", "outcome": "engagement"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) == 5


def test_unknown_filter_gets_a_dutch_error(seed):
    with pytest.raises(ExportError, match="Onbekende filter"):
        get_export("pilots")({"land": "Frankrijk"})
    with pytest.raises(ExportError, match="Ongeldige filter"):
        get_export("pilots")({"sector": "Ruimtevaart"})


def test_pilot_outcomes_adds_counts_and_outcome_with_unknown_left_empty(seed):
    Pilot.objects.filter(participation="Westvlees").update(workers_involved=0)
    text = run_export("pilot-outcomes", "--dialect", "rfc4180")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == HEADER_2B
    assert rows[0][3:6] == ["Aantal organisaties", "Betrokken bedrijven", "Betrokken werknemers"]
    assert len(rows) == 28
    by_line = {row[2]: row for row in rows[1:]}
    assert by_line["Manus & Bpost"][3:6] == ["2", "", "1"]
    assert by_line["Westvlees"][5] == "0"
    assert by_line["Optima T"][5] == ""
    # A group of unknown size makes the pilot's number of organisations unknown, not 0.
    assert by_line["Tuinaannemers (REC)"][3] == ""
    assert by_line["Groenfederaties (Groen Groeien & AVBS)"][3] == "2"
    assert by_line["Ateljee & Wibra"][6] == "stage gerealiseerd"
    assert by_line["Waak"][6] == "enkel engagement"
    workbook = load_workbook(io.BytesIO(export_bytes(get_export("pilot-outcomes")(), "xlsx")))
    xlsx_rows = {row[2]: row for row in workbook.active.iter_rows(values_only=True)}
    assert xlsx_rows["Manus & Bpost"][5] == 1
    assert xlsx_rows["Westvlees"][5] == 0
    assert xlsx_rows["Optima T"][5] is None


def test_pilot_results_reproduce_answer_2c(seed):
    rows = list(csv.reader(io.StringIO(run_export("pilot-results", "--dialect", "rfc4180"))))
    assert len(rows) == 8
    care = next(row for row in rows if row[1] == "Zorg")
    assert care[4:6] == ["polyvalent medewerker", "2"]
    assert [row[3] for row in rows[1:6]] == ["Zeeman", "Wibra", "", "Ariel", "Bpost"]
    assert {row[0] for row in rows[6:]} == {"Mentor", "BDO"}


def test_care_engagements_keep_more_than_200_as_a_lower_bound(seed):
    rows = list(csv.reader(io.StringIO(run_export("care-engagements", "--dialect", "rfc4180"))))
    assert len(rows) == 10
    total = rows[1]
    assert total[5:7] == ["200", "meer dan"]
    names = {row[2] for row in rows[1:]}
    assert {"Armonea", "Senior Living Group", "Vulpia", "OCMW Brugge", "VERSO", "VIVO"} <= names
    seven = next(row for row in rows if row[1] == "7 rusthuizen van Senior Living Group")
    assert seven[5:7] == ["7", "streefdoel"]
    workbook = load_workbook(io.BytesIO(export_bytes(get_export("care-engagements")(), "xlsx")))
    xlsx_rows = list(workbook.active.iter_rows(values_only=True))
    assert xlsx_rows[1][5] == 200
