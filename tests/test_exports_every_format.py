"""Every registered export in every format, from the web and from the command line; valid
sheet titles, also from labels staff type; workbooks made for people."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from doorstroom.exports import Export, all_exports, export_bytes, write_xlsx
from doorstroom.xlsx import sheet_title
from questions.models import AnswerTable, ParliamentaryQuestion
from questions.services import answer_pack_generate

FORMATS = [("csv", "excel-nl"), ("csv", "rfc4180"), ("xlsx", None)]
HEADER_ONLY = {"trajectory-import-template", "payment-confirmations-template", "payments-approved"}


@pytest.fixture
def demo(seed):
    call_command("generate_demo_trajectories", "--count", "60", "--seed", "3", stdout=io.StringIO())


def read(content: bytes, file_format: str, dialect: str | None) -> list[list]:
    """The file's rows; an XLSX opened by openpyxl as Excel would open it."""
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    text = content.decode("utf-8")
    assert text.startswith("\ufeff") == (dialect == "excel-nl")
    delimiter = ";" if dialect == "excel-nl" else ","
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_every_export_in_every_format_from_the_web_and_the_command_line(
    demo, logged_in_client, tmp_path
):
    exports = all_exports()
    assert {"trajectory-stats", "mandates", "trajectories", "fees"} <= {e.name for e in exports}
    for export_class in exports:
        header = [str(h) for h in export_class({}).header()]
        for file_format, dialect in FORMATS:
            query = {"format": file_format, **({"dialect": dialect} if dialect else {})}
            url = reverse("export-download", args=[export_class.name])
            response = logged_in_client.get(url, query)
            assert response.status_code == 200, (export_class.name, query)
            content = b"".join(
                response.streaming_content if response.streaming else [response.content]
            )
            web = read(content, file_format, dialect)
            assert [str(h) for h in web[0]] == header, (export_class.name, query)
            # Every export has rows with the demo data but the import templates (a header) and
            # the approved payments (the demo data has no claims).
            assert (len(web) > 1) != (export_class.name in HEADER_ONLY)

            output = tmp_path / f"{export_class.name}.{file_format}"
            options = ["--format", file_format, "--output", str(output)]
            call_command(
                "export", export_class.name, *options, *(["--dialect", dialect] if dialect else [])
            )
            assert comparable(output.read_bytes(), file_format) == comparable(
                content, file_format
            ), (export_class.name, query)


def comparable(content: bytes, file_format: str) -> str | dict[str, str]:
    """The whole file; of a workbook, every part but the time it was made (docProps/core.xml)."""
    if file_format != "xlsx":
        return content.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = sorted(set(archive.namelist()) - {"docProps/core.xml"})
        return {name: archive.read(name).decode("utf-8") for name in names}


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("Trajecten: aantallen", [], "Trajecten- aantallen"),
        ("Wat? [a/b] *c* \\d", [], "Wat- -a-b- -c- -d"),
        ("Verschuldigde vergoedingen per dienstverlener", [], "Verschuldigde vergoedingen per"),
        ("Mandaten", ["mandaten"], "Mandaten (2)"),
        ("Mandaten", ["Mandaten", "Mandaten (2)"], "Mandaten (3)"),
        ("x" * 40, ["x" * 31], "x" * 27 + " (2)"),
        ("  ''  ", [], "Blad"),
    ],
)
def test_sheet_titles_are_ones_excel_accepts(text, taken, expected):
    with translation.override("nl-be"):
        assert sheet_title(text, taken) == expected
    Workbook(write_only=True).create_sheet(title=expected)  # openpyxl accepts it


def test_trajectory_stats_as_xlsx_downloads(seed, logged_in_client):
    """The example of the issue: 'Invalid character : found in sheet title', a 500."""
    response = logged_in_client.get("/exports/trajectory-stats/?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Trajecten- aantallen"]


def test_an_answer_table_labelled_with_a_question_mark_gives_a_pack_that_downloads(
    seed, logged_in_client, user
):
    question = ParliamentaryQuestion.objects.get(number=35)
    tables = AnswerTable.objects.filter(subquestion__question=question)
    tables.filter(export_name="mandates").update(answers="1a?", title="Welke mandaten? [alle]")
    # Two tables whose titles are the same once cut to 31 characters.
    tables.exclude(export_name="mandates").update(title="Een heel lange titel die te lang is")
    pack = answer_pack_generate(question=question, user=user)
    response = logged_in_client.get(reverse("questions:pack-download", args=[pack.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    workbook = load_workbook(io.BytesIO(archive.read("vraag-35.xlsx")))
    names = workbook.sheetnames
    assert names[0] == "1a- Welke mandaten- -alle-"
    assert len(names) == len({name.casefold() for name in names}) == tables.count()
    assert all(len(name) <= 31 for name in names)


class Amounts(Export):
    """Not registered: a sheet with every kind of cell."""

    name = "amounts"
    title = "Bedragen"
    description = "test"

    def header(self):
        return ["Jaar", "Bedrag (EUR)", "Datum", "Een heel lange kolomtitel met veel woorden"]

    def rows(self):
        yield [2018, Decimal("1260.00"), dt.date(2019, 3, 4), "x"]
        yield [2019, Decimal("4200.00"), dt.date(2020, 12, 31), "y" * 80]


def test_a_workbook_is_made_for_people():
    workbook = load_workbook(io.BytesIO(export_bytes(Amounts(), "xlsx")))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Bedragen"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    year, amount, date, _text = sheet[2]
    assert year.value == 2018 and year.number_format == "General"  # never 2.018
    assert amount.value == 1260 and amount.number_format == "#,##0.00"
    assert date.number_format == "DD/MM/YYYY"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] < widths["B"] < widths["D"]
    assert widths["D"] == 60  # fitted, up to a maximum
    assert widths["C"] >= 10


def test_write_xlsx_to_a_stream():
    buffer = io.BytesIO()
    write_xlsx(Amounts(), buffer)
    assert load_workbook(buffer).sheetnames == ["Bedragen"]
