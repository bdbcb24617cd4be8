"""Exports, the dashboard drawn from them and the import's messages in the reader's language;
answer packs in Dutch for everyone; data as stored."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from doorstroom.exports import ExportError, get_export
from questions.models import AnswerTable, ParliamentaryQuestion
from questions.services import answer_pack_compare, answer_pack_generate, answer_tables_run
from tests.factories.import_files import HEADER, csv_file, started
from trajectories.demo import demo_generate
from trajectories.imports import import_batch_check, import_run
from trajectories.models import PhaseRecord


@pytest.fixture
def demo(seed):
    demo_generate(count=120, seed=1)


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def charts(body: str) -> str:
    return " ".join(re.findall(r"(?s)<svg.*?</svg>", body))


# --- the dashboard ------------------------------------------------------------------------------

ENGLISH_ON_THE_DASHBOARD = [
    "Phase",
    "Running",
    "Completed",
    "Stopped",
    "Total",
    "no phase started yet",
    "Number of trajectories",
    "Title",
    "Year",
    "Regular job",
    "No regular job",
    "Quarter",
    "Number of completed phases",
    "Owed (EUR)",
    "Number of phases past their maximum duration",
    "Service provider",
    "Number of pilots",
]
DUTCH_ON_THE_DASHBOARD = [
    "Fase",
    "Lopend",
    "Afgerond",
    "Stopgezet",
    "Totaal",
    "nog geen fase gestart",
    "Aantal trajecten",
    "Titel",
    "Jaar",
    "Reguliere job",
    "Geen reguliere job",
    "Kwartaal",
    "Aantal afgeronde fasen",
    "Verschuldigd (EUR)",
    "Aantal fasen over de maximale duur",
    "Dienstverlener",
    "Aantal proeftuinen",
]


def test_the_dashboards_tables_and_charts_are_in_english_for_an_english_user(
    demo, logged_in_client
):
    body = in_language(logged_in_client, "en").get(reverse("home")).content.decode()
    for text in ENGLISH_ON_THE_DASHBOARD:
        assert f">{text}<" in body, text
    for text in DUTCH_ON_THE_DASHBOARD:
        assert f">{text}<" not in body, text
    # Quarters as an English reader writes them, in the table and on the chart's bars.
    assert re.search(r">20\d\d Q[1-4]<", body) and not re.search(r">20\d\d K[1-4]<", body)
    drawn = charts(body)
    for legend in ("Running", "Completed", "Stopped", "Regular job", "No regular job"):
        assert f">{legend}</text>" in drawn, legend
    assert re.search(r">20\d\d Q[1-4]</text>", drawn) and "Pre-trajectory" in drawn
    assert "Totaal" not in drawn and "Voortraject" not in drawn
    # Data as stored: the calls' titles and the sectors are names, in Dutch in any language.
    assert "Doorstroom LDE" in body and "Logistiek" in body


def test_the_dashboard_in_dutch_is_what_it_was(demo, logged_in_client):
    body = in_language(logged_in_client, "nl-be").get(reverse("home")).content.decode()
    for text in DUTCH_ON_THE_DASHBOARD:
        assert f">{text}<" in body, text
    assert re.search(r">20\d\d K[1-4]</text>", charts(body))
    assert ">Lopend</text>" in charts(body)


def test_mandates_without_a_province_are_onbekend_in_the_url_and_unknown_in_english(
    demo, logged_in_client
):
    client = in_language(logged_in_client, "en")
    body = client.get(reverse("home"), {"province": "onbekend"}).content.decode()
    assert '<option value="onbekend" selected>unknown</option>' in body
    assert ">unknown<" in body and ">onbekend<" not in body
    dutch = in_language(logged_in_client, "nl-be").get(reverse("home"), {"province": "onbekend"})
    assert ">onbekend<" in dutch.content.decode()


# --- downloads and the command line -------------------------------------------------------------


def download(client, name: str, **query) -> bytes:
    response = client.get(reverse("export-download", args=[name]), query)
    assert response.status_code == 200, response.content
    if response.streaming:
        # Streamed after the view has returned, with another language active meanwhile: the
        # file stays in the language it was asked in.
        asked = client.cookies[settings.LANGUAGE_COOKIE_NAME].value
        with translation.override("nl-be" if asked == "en" else "en"):
            return b"".join(response.streaming_content)
    return response.content


def rows(content: bytes, dialect: str = "rfc4180") -> list[list[str]]:
    delimiter = ";" if dialect == "excel-nl" else ","
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_a_download_is_in_the_users_language(demo, admin_client_):
    english = in_language(admin_client_, "en")
    mandates = rows(download(english, "mandates", format="csv", dialect="rfc4180"))
    assert mandates[0] == [
        "Call",
        "Call title",
        "Project number",
        "Project name",
        "Promoter",
        "Province",
    ]
    assert [
        "366",
        "Doorstroom LDE",
        "6441",
        "Buurtservice vzw",
        "BUURTSERVICE vzw",
        "unknown",
    ] in mandates
    # Through COPY: the labels and the words of booleans are the statement's parameters.
    listing = rows(download(english, "trajectories", format="csv", dialect="rfc4180"))
    assert listing[0][8:] == [
        "Status",
        "Current phase",
        "Maximum duration exceeded",
        "Hours",
        "Fee (EUR)",
        "Moved on to a regular job",
        "Demo",
    ]
    assert {row[14] for row in listing[1:]} == {"yes"}
    assert {row[13] for row in listing[1:]} <= {"yes", "no", "unknown"}
    assert {row[8] for row in listing[1:]} <= {"running", "completed", "stopped"}
    workbook = load_workbook(io.BytesIO(download(english, "fees", format="xlsx")))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Fees per phase"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Phase", "Maximum duration (months)", "Fee (EUR)"]
    assert values[1][0] == "Pre-trajectory" and values[5][0] == "Total"

    dutch = in_language(admin_client_, "nl-be")
    mandates = rows(download(dutch, "mandates", format="csv", dialect="excel-nl"), "excel-nl")
    assert mandates[0] == [
        "Oproep",
        "Oproeptitel",
        "Projectnummer",
        "Projectnaam",
        "Promotor",
        "Provincie",
    ]
    listing = rows(download(dutch, "trajectories", format="csv", dialect="excel-nl"), "excel-nl")
    assert {row[14] for row in listing[1:]} == {"ja"}
    assert {row[13] for row in listing[1:]} <= {"ja", "nee", "onbekend"}
    workbook = load_workbook(io.BytesIO(download(dutch, "fees", format="xlsx")))
    assert workbook.worksheets[0].title == "Vergoedingen per fase"


def test_the_command_writes_dutch_unless_asked_for_english(demo, tmp_path):
    output = tmp_path / "out.csv"
    call_command("export", "trajectory-stats", "--dialect", "rfc4180", "--output", str(output))
    dutch = rows(output.read_bytes())
    assert dutch[0] == ["Indeling", "Waarde", "Aantal trajecten"]
    assert ["Fase", "nog geen fase gestart"] in [row[:2] for row in dutch]
    assert dutch[-1][:2] == ["Totaal", "alle trajecten"]
    call_command(
        "export",
        "trajectory-stats",
        "--language",
        "en",
        "--dialect",
        "rfc4180",
        "--output",
        str(output),
    )
    english = rows(output.read_bytes())
    assert english[0] == ["Breakdown", "Value", "Number of trajectories"]
    assert ["Province", "unknown"] in [row[:2] for row in english]
    assert english[-1][:2] == ["Total", "all trajectories"]
    with translation.override("en"), pytest.raises(CommandError, match="Onbekende export"):
        call_command("export", "bestaatniet")


def test_an_export_error_is_put_into_the_language_it_is_shown_in(db):
    with translation.override("nl-be"), pytest.raises(ExportError) as error:
        get_export("mandates")({"kleur": "rood"})
    with translation.override("en"):
        assert str(error.value).startswith("Unknown filter(s) for export 'mandates': kleur.")
    with translation.override("nl-be"):
        assert str(error.value).startswith("Onbekende filter(s) voor export 'mandates': kleur.")


# --- answer packs: Dutch, always ----------------------------------------------------------------


def test_an_answer_pack_is_dutch_whatever_the_language_of_who_makes_it(seed, staff_user):
    question = ParliamentaryQuestion.objects.get(number=35)
    with translation.override("en"):
        pack = answer_pack_generate(question=question, user=staff_user)
        comparisons = answer_pack_compare(pack=pack)
    assert all(comparison.identical for comparison in comparisons)
    contents = {table.export_name: table.content for table in pack.tables.all()}
    assert contents["mandates"].startswith("Oproep,Oproeptitel,Projectnummer,")
    assert contents["pilot-outcomes"].startswith("Sector,Dienstverlener,Deelnemende organisaties,")
    # Choice labels too, as a Dutch reader of the answer reads them.
    assert ",samenwerking," in contents["pilot-outcomes"]
    assert ",cooperation," not in contents["pilot-outcomes"]
    with translation.override("nl-be"):
        assert [t.content for t in answer_tables_run(question=question)] == list(contents.values())


def test_a_message_about_an_answer_pack_is_in_the_users_language(seed):
    question = ParliamentaryQuestion.objects.get(number=35)
    table = AnswerTable.objects.filter(subquestion__question=question).first()
    AnswerTable.objects.filter(pk=table.pk).update(export_name="provider-statement", filters={})
    with pytest.raises(ExportError) as error:
        answer_tables_run(question=question)
    with translation.override("en"):
        assert str(error.value) == "Export 'provider-statement' is not meant for publication."
    with translation.override("nl-be"):
        assert str(error.value) == "Export 'provider-statement' is niet bestemd voor publicatie."


# --- the import ---------------------------------------------------------------------------------


def test_an_import_error_is_english_for_an_english_reader_and_dutch_for_a_dutch_one(
    seed, user, logged_in_client
):
    trajectory = started()
    bad = [["XYZ-1", str(trajectory.mandate.project_number), "1", "04/03/2019", "", ""]]
    with translation.override("en"):  # checked by an English user
        batch = import_batch_check(user=user, data=csv_file(bad), file_name="f.csv")
    english = in_language(logged_in_client, "en").get(batch.get_absolute_url())
    body = english.content.decode()
    assert (
        "Worker reference: &#x27;XYZ-1&#x27; is not a worker&#x27;s reference (such as DW-000123)."
        in body
    )
    assert "is geen referentie" not in body and "Referentie werknemer" not in body
    # The same stored report, read by a Dutch colleague.
    dutch = in_language(logged_in_client, "nl-be").get(batch.get_absolute_url()).content.decode()
    assert (
        "Referentie werknemer: &#x27;XYZ-1&#x27; is geen referentie van een werknemer "
        "(zoals DW-000123)." in dutch
    )


def test_a_file_error_and_a_rule_of_the_services_follow_the_reader(seed, user, logged_in_client):
    batch = import_batch_check(user=user, data=b"Naam;Fase\r\nx;1\r\n", file_name="f.csv")
    body = in_language(logged_in_client, "en").get(batch.get_absolute_url()).content.decode()
    assert "Missing column(s): Worker reference, Project number, Start date." in body
    assert "Kolom(men) ontbreken" not in body
    # A phase that starts before the previous one ended: the services' rule, with its date.
    trajectory = started()
    reference = trajectory.worker.reference
    number = str(trajectory.mandate.project_number)
    report = import_run(
        data=csv_file(
            [
                [reference, number, "1", "04/03/2019", "01/04/2019", "10"],
                [reference, number, "2", "01/03/2019", "", ""],
            ]
        ),
        file_name="f.csv",
        user=user,
        apply=False,
    )
    [error] = report.rows[1].errors
    with translation.override("en"):
        assert str(error.message) == (
            "A phase starts on or after the day the previous one ended (01/04/2019)."
        )
    with translation.override("nl-be"):
        assert str(error.column) == "Startdatum" and "01/04/2019" in str(error.message)
    assert not PhaseRecord.objects.filter(trajectory=trajectory, phase=2).exists()


def test_the_import_reads_the_english_names_of_the_columns_too(seed, user):
    trajectory = started()
    english_header = [
        "Worker reference",
        "Project number",
        "Phase",
        "Start date",
        "End date",
        "Hours",
    ]
    assert len(english_header) == len(HEADER)
    row = [
        trajectory.worker.reference,
        str(trajectory.mandate.project_number),
        "Pre-trajectory",
        "04/03/2019",
        "01/04/2019",
        "12,5",
    ]
    report = import_run(
        data=csv_file([row], header=english_header), file_name="f.csv", user=user, apply=True
    )
    assert report.applied, report.as_json()
    assert PhaseRecord.objects.get(trajectory=trajectory, phase=1).end_date.isoformat() == (
        "2019-04-01"
    )
