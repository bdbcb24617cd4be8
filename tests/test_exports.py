"""The shared export mechanism (dialects, XLSX, formula neutralising) and the mandates export."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from doorstroom.exports import Export, ExportError, export_bytes, get_export
from mandates.models import Mandate

HEADER = ["Oproep", "Oproeptitel", "Projectnummer", "Projectnaam", "Promotor", "Provincie"]


class SampleExport(Export):
    """Not registered: exercises the writers with every kind of cell."""

    name = "sample"
    title = "Voorbeeld"
    description = "test"

    def header(self):
        return ["Tekst", "Getal", "Bedrag", "Leeg"]

    def rows(self):
        yield ["=SUM(A1:A2)", -5, Decimal("1260.50"), None]
        yield ["+32 2 123", 0, Decimal("-3.25"), ""]
        yield ["@cmd", 7, Decimal("0.00"), None]
        yield ["-1+1", 1, Decimal("4200"), None]
        yield ["\tTab", 2, Decimal("1"), None]
        yield ["gewone tekst; met puntkomma", 3, Decimal("2.5"), None]


def run_export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_mandates_export_rfc4180_reproduces_answer_1ab(seed):
    text = run_export("mandates", "--dialect", "rfc4180")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert len(rows) == 44
    assert rows[1] == [
        "366",
        "Doorstroom LDE",
        "6441",
        "Buurtservice vzw",
        "BUURTSERVICE vzw",
        "onbekend",
    ]
    assert rows[4] == [
        "366",
        "Doorstroom LDE",
        "6478",
        "Doorstroom LDE Oost-Vl consortium W&D",
        "Jobs & Milieu",
        "Oost-Vlaanderen",
    ]
    # Grouped by call in the order of the source, then by project number.
    calls = [row[0] for row in rows[1:]]
    assert calls == ["366"] * 13 + ["390"] + ["380"] * 16 + ["432"] * 13
    for call in ("366", "380", "432"):
        numbers = [int(r[2]) for r in rows[1:] if r[0] == call]
        assert numbers == sorted(numbers)
    names = {(int(r[2]), r[3], r[4]) for r in rows[1:]}
    assert names == {
        (m.project_number, m.name, m.promoter_as_written) for m in Mandate.objects.all()
    }
    assert text.endswith("\r\n")


def test_mandates_export_excel_nl_dialect_and_filters(seed):
    text = run_export("mandates", "--filter", "call=380")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == HEADER
    assert len(rows) == 17
    assert {r[0] for r in rows[1:]} == {"380"}


def test_writers_keep_numbers_and_neutralise_formulas():
    rfc = export_bytes(SampleExport(), "csv", "rfc4180").decode()
    rows = list(csv.reader(io.StringIO(rfc)))
    assert rows[1] == ["'=SUM(A1:A2)", "-5", "1260.50", ""]
    assert rows[2] == ["'+32 2 123", "0", "-3.25", ""]
    assert rows[3][0] == "'@cmd"
    assert rows[4][0] == "'-1+1"
    assert rows[5][0] == "'\tTab"
    nl = export_bytes(SampleExport(), "csv", "excel-nl").decode("utf-8")
    assert nl.startswith("\ufeff")
    nl_rows = list(csv.reader(io.StringIO(nl.lstrip("\ufeff")), delimiter=";"))
    assert nl_rows[1] == ["'=SUM(A1:A2)", "-5", "1260,50", ""]
    assert nl_rows[6] == ["gewone tekst; met puntkomma", "3", "2,5", ""]


def test_xlsx_keeps_numbers_numeric_and_formulas_as_text():
    workbook = load_workbook(io.BytesIO(export_bytes(SampleExport(), "xlsx")))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["Tekst", "Getal", "Bedrag", "Leeg"]
    formula_cell = sheet["A2"]
    assert formula_cell.value == "=SUM(A1:A2)"
    assert formula_cell.data_type == "s"
    assert sheet["B2"].value == -5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == pytest.approx(1260.5) and sheet["C2"].data_type == "n"


def test_mandates_export_as_xlsx_file(seed, tmp_path):
    target = tmp_path / "mandaten.xlsx"
    run_export(
        "mandates", "--format", "xlsx", "--output", str(target), "--filter", "province=onbekend"
    )
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 16
    assert rows[1][2] == 6441 and isinstance(rows[1][2], int)
    assert {r[5] for r in rows[1:]} == {"onbekend"}


def test_formula_in_a_mandate_name_is_neutralised(seed):
    Mandate.objects.filter(project_number=6441).update(name='=HYPERLINK("http://x","klik")')
    rows = list(csv.reader(io.StringIO(run_export("mandates", "--dialect", "rfc4180"))))
    assert rows[1][3] == '\'=HYPERLINK("http://x","klik")'


def test_export_list_and_clear_errors(seed):
    listing = run_export("--list")
    assert "mandates:" in listing and "--filter call=" in listing
    with pytest.raises(CommandError, match=r"Onbekende export 'bestaatniet'.*mandates"):
        run_export("bestaatniet")
    with pytest.raises(CommandError, match=r"Onbekende filter.*kleur.*call"):
        run_export("mandates", "--filter", "kleur=rood")
    with pytest.raises(CommandError, match="call"):
        run_export("mandates", "--filter", "call=999")
    with pytest.raises(CommandError, match="KEY=VALUE"):
        run_export("mandates", "--filter", "call")
    with pytest.raises(ExportError):
        get_export("bestaatniet")


def test_download_from_the_listing_uses_the_same_filters(logged_in_client, seed):
    response = logged_in_client.get(
        reverse("export-download", args=["mandates"]),
        {
            "format": "csv",
            "dialect": "rfc4180",
            "call": "432",
            "province": "Limburg",
            "sort": "name",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mandates_')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[2] for r in rows[1:]] == ["7874", "7887"]


def test_download_with_bad_filter_explains(logged_in_client, seed):
    response = logged_in_client.get(reverse("export-download", args=["mandates"]), {"call": "abc"})
    assert response.status_code == 400
    assert "Ongeldige filter" in response.content.decode()
    response = logged_in_client.get(
        reverse("export-download", args=["mandates"]), {"format": "pdf"}
    )
    assert response.status_code == 400
    assert logged_in_client.get("/exports/bestaatniet/").status_code == 404


def test_xlsx_download(logged_in_client, seed):
    response = logged_in_client.get(
        reverse("export-download", args=["mandates"]), {"format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 44


def test_exports_page_lists_the_mandates_export(logged_in_client, seed):
    body = logged_in_client.get(reverse("exports")).content.decode()
    assert "<code>mandates</code>" in body
    assert "antwoord 1a-b" in body
    # Its filters are a form that downloads it (tests/test_no_dead_ends.py).
    assert f'action="{reverse("export-download", args=["mandates"])}"' in body
