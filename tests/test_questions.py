"""The register of parliamentary questions and its reproducible answer packs."""

import csv
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from doorstroom import exports as export_registry
from doorstroom.exports import Export, ExportError, register
from doorstroom.jobs.models import Job, JobStatus
from mandates.models import Mandate
from questions.models import AnswerPack, AnswerTable, ParliamentaryQuestion, SubQuestion
from questions.services import (
    ANSWER_PACK_CSS,
    answer_pack_archive,
    answer_pack_compare,
    answer_pack_generate,
)
from tests.factories.mandates import MandateFactory
from tests.job_worker import run_queued_jobs
from tests.queries import count_queries


@pytest.fixture
def question(seed):
    return ParliamentaryQuestion.objects.get(number=35)


def test_seed_registers_question_35_as_the_source_words_it(question):
    assert question.date.isoformat() == "2018-11-09"
    assert question.asked_by == "Emmily Talpe"
    assert question.subject == "Sociale economie - Doorstroom naar reguliere economie"
    labels = list(question.subquestions.values_list("label", flat=True))
    assert labels == ["1a", "1b", "1c", "2a", "2b", "2c", "3a", "3b"]
    assert question.subquestions.get(label="3b").text == (
        "Welke woon- en zorgcentra in Vlaanderen zijn hierbij betrokken?"
    )
    table = AnswerTable.objects.get(subquestion__question=question, export_name="mandates")
    assert table.subquestion.label == "1a"
    assert table.answers == "1a-b"


def test_listing_filters_by_year_status_and_subject(logged_in_client, question):
    ParliamentaryQuestion.objects.create(
        number=12, date="2024-10-15", asked_by="X", addressed_to="Y", subject="Maatwerk"
    )
    url = reverse("questions:list")
    assert logged_in_client.get(url).context["table"].paginator.count == 2
    response = logged_in_client.get(url, {"year": 2018})
    assert [r.record.number for r in response.context["table"].rows] == [35]
    response = logged_in_client.get(url, {"status": "received"})
    assert [r.record.number for r in response.context["table"].rows] == [12]
    response = logged_in_client.get(url, {"subject": "doorstroom"})
    assert [r.record.number for r in response.context["table"].rows] == [35]


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_pack_made_by_a_worker_matches_the_source_tables(logged_in_client, question, user):
    """1a-b, 1c and 2b as the source prints them, in a pack made as a job: the question's page
    shows its progress, then the pack ready to download."""
    response = logged_in_client.post(
        reverse("questions:pack-generate", args=[question.pk]), follow=True
    )
    page = response.content.decode()
    job = Job.objects.get(kind="answer-pack")
    assert job.status == JobStatus.QUEUED and job.parameters["question"] == question.pk
    assert reverse("job-status", args=[job.pk]) in page and "wordt gemaakt" in page
    assert "Antwoordpakket maken" not in page  # no second pack while this one is made
    # A second click (another tab) is the same job.
    logged_in_client.post(reverse("questions:pack-generate", args=[question.pk]))
    assert Job.objects.count() == 1 and not AnswerPack.objects.exists()

    assert run_queued_jobs() == 1
    job.refresh_from_db()
    pack = AnswerPack.objects.get()
    assert job.status == JobStatus.DONE and job.parameters["pack"] == pack.pk
    page = logged_in_client.get(question.get_absolute_url()).content.decode()
    download = reverse("questions:pack-download", args=[pack.pk])
    assert "Het antwoordpakket is klaar." in page and download in page
    assert "data-job-status-url" not in page and "Antwoordpakket maken" in page
    response = logged_in_client.get(download)
    assert response["Content-Type"] == "application/zip"
    files = read_zip(response.content)
    assert pack.generated_by == user
    manifest = json.loads(files["manifest.json"])
    assert manifest["checksum"] == pack.checksum
    assert [t["subquestion"] for t in manifest["tables"]] == ["1a-b", "1c", "2b", "2c", "3b"]

    rows = list(csv.reader(io.StringIO(files[manifest["tables"][0]["file"]].decode())))
    assert rows[0] == [
        "Oproep",
        "Oproeptitel",
        "Projectnummer",
        "Projectnaam",
        "Promotor",
        "Provincie",
    ]
    assert len(rows) == 44
    assert rows[4][3:5] == ["Doorstroom LDE Oost-Vl consortium W&D", "Jobs & Milieu"]

    sheet = load_workbook(io.BytesIO(files["vraag-35.xlsx"])).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "1a-b) Gemandateerde organisaties per ESF-oproep"
    assert values[1][0] == "Filters: geen"
    assert values[2][0] == "Oproep"
    assert values[3][:3] == (366, "Doorstroom LDE", 6441)
    assert len(values) == 3 + 43
    fees = list(load_workbook(io.BytesIO(files["vraag-35.xlsx"])).worksheets[1].values)
    assert fees[0][0].startswith("1c) ")
    assert fees[2] == ("Fase", "Maximale duur (maanden)", "Vergoeding (EUR)")
    assert [row[:3] for row in fees[3:]] == [
        ("Voortraject", 1, 420),
        ("Job matching", 3, 1260),
        ("Stage", 3, 1260),
        ("Nazorg", 3, 1260),
        ("Totaal", None, 4200),
    ]
    pilots = list(load_workbook(io.BytesIO(files["vraag-35.xlsx"])).worksheets[2].values)
    assert pilots[0][0].startswith("2b) ")
    assert pilots[2] == ("Sector", "Dienstverlener", "Deelnemende organisaties")
    assert pilots[3] == ("Zorg", "Deloitte", "Ryhove \u2013 WZC Helianthus")
    assert pilots[-1] == ("ICT", "BDO", "Robovision (REC) en Weerwerk (SEC)")
    assert len(pilots) == 3 + 27

    page = files["antwoord.html"].decode()
    assert (
        "<table" in page
        and "Jobs &amp; Milieu" in page
        and pack.tables.get(position=1).sha256 in page
    )
    assert any(name.startswith("csv-excel/") for name in files)


def test_generating_twice_from_unchanged_data_gives_identical_tables(question, user):
    first = answer_pack_generate(question=question, user=user)
    second = answer_pack_generate(question=question, user=user)
    assert first.checksum == second.checksum
    for a, b in zip(first.tables.all(), second.tables.all(), strict=True):
        assert a.content == b.content
        assert a.sha256 == b.sha256
    assert all(c.identical for c in answer_pack_compare(pack=first))


def test_change_report_after_editing_adding_and_removing_mandates(question, user):
    pack = answer_pack_generate(question=question, user=user)
    Mandate.objects.filter(project_number=6441).update(name="Buurtservice vzw (hernoemd)")
    added = MandateFactory(call=Mandate.objects.get(project_number=6441).call)
    Mandate.objects.filter(project_number=7889).delete()

    comparison, *others = answer_pack_compare(pack=pack)
    assert comparison.label == "1a-b"
    assert all(other.identical for other in others)
    assert not comparison.identical
    assert [(old[3], new[3]) for old, new in comparison.changed] == [
        ("Buurtservice vzw", "Buurtservice vzw (hernoemd)")
    ]
    assert [row[2] for row in comparison.added] == [str(added.project_number)]
    assert [row[2] for row in comparison.removed] == ["7889"]


def test_pack_page_shows_the_comparison(logged_in_client, question, user):
    pack = answer_pack_generate(question=question, user=user)
    url = reverse("questions:pack-detail", args=[pack.pk])
    assert "identiek" in logged_in_client.get(url, {"compare": 1}).content.decode()
    Mandate.objects.filter(project_number=6441).update(name="Anders")
    body = logged_in_client.get(url, {"compare": 1}).content.decode()
    assert "Gewijzigde rijen" in body and "Anders" in body


def test_stored_pack_is_what_was_sent_even_after_data_changes(question, user):
    pack = answer_pack_generate(question=question, user=user)
    Mandate.objects.filter(project_number=6441).update(name="Later gewijzigd")
    files = read_zip(answer_pack_archive(pack=pack))
    content = next(v for k, v in files.items() if k.startswith("csv/")).decode()
    assert "Buurtservice vzw" in content and "Later gewijzigd" not in content


@pytest.fixture
def personal_export():
    @register
    class PersonalExport(Export):
        name = "test-personal"
        title = "Persoonlijk"
        description = "test"
        contains_personal_data = True

        def header(self):
            return ["Referentie"]

        def rows(self):
            return [["DW-1"]]

    yield PersonalExport
    del export_registry._registry["test-personal"]


def test_answer_tables_refuse_personal_exports_and_bad_filters(question, personal_export):
    sub = SubQuestion.objects.get(question=question, label="1c")
    with pytest.raises(ValidationError, match=r"persoonsgegevens|personal"):
        AnswerTable(subquestion=sub, export_name="test-personal").full_clean()
    with pytest.raises(ValidationError, match="Onbekende export"):
        AnswerTable(subquestion=sub, export_name="bestaat-niet").full_clean()
    with pytest.raises(ValidationError, match="kleur"):
        AnswerTable(subquestion=sub, export_name="mandates", filters={"kleur": "rood"}).full_clean()
    AnswerTable(subquestion=sub, export_name="mandates", filters={"call": "380"}).full_clean()


def test_pack_with_saved_filters_names_them(question, user):
    sub = SubQuestion.objects.get(question=question, label="1b")
    AnswerTable.objects.create(subquestion=sub, export_name="mandates", filters={"call": "380"})
    pack = answer_pack_generate(question=question, user=user)
    tables = list(pack.tables.all())
    with_filter = next(t for t in tables if t.filters)
    assert with_filter.filters == {"call": "380"}
    assert with_filter.content.count("\r\n") == 17
    sheet = load_workbook(io.BytesIO(read_zip(answer_pack_archive(pack=pack))["vraag-35.xlsx"]))
    titles = [ws["A2"].value for ws in sheet.worksheets]
    assert titles[with_filter.position - 1] == "Filters: call=380"


def test_question_without_tables_explains(logged_in_client, user):
    question = ParliamentaryQuestion.objects.create(
        number=1, date="2025-01-01", asked_by="X", addressed_to="Y", subject="Leeg"
    )
    with pytest.raises(ExportError):
        answer_pack_generate(question=question, user=user)
    response = logged_in_client.post(
        reverse("questions:pack-generate", args=[question.pk]), follow=True
    )
    assert "nog geen antwoordtabellen" in response.content.decode()
    assert not AnswerPack.objects.exists() and not Job.objects.exists()


def test_question_pages_query_counts_do_not_grow(logged_in_client, question, user):
    pack = answer_pack_generate(question=question, user=user)
    urls = [
        reverse("questions:list"),
        reverse("questions:detail", args=[question.pk]),
        reverse("questions:pack-detail", args=[pack.pk]),
        reverse("questions:pack-download", args=[pack.pk]),
        reverse("questions:pack-html", args=[pack.pk]),
    ]
    for url in urls:
        count_queries(logged_in_client, url)
    before = [count_queries(logged_in_client, url) for url in urls]
    for n in range(30):
        ParliamentaryQuestion.objects.create(
            number=100 + n, date="2024-01-01", asked_by="X", addressed_to="Y", subject="Z"
        )
        SubQuestion.objects.create(question=question, label=f"9{n}", text="extra")
    for _ in range(5):
        answer_pack_generate(question=question, user=user)
    assert [count_queries(logged_in_client, url) for url in urls] == before


def test_answer_tables_are_chosen_from_the_publishable_exports(admin_client_, question):
    from django.urls import reverse as url

    sub = SubQuestion.objects.get(question=question, label="1c")
    response = admin_client_.get(url("admin:questions_subquestion_change", args=[sub.pk]))
    body = response.content.decode()
    assert '<option value="fees"' in body and '<option value="mandates"' in body
    assert '<option value="trajectories"' not in body  # personal data
    assert '<option value="provider-statement"' not in body  # internal payment statement


def test_the_excel_copy_of_a_table_writes_negative_numbers_as_numbers(question, user):
    pack = answer_pack_generate(question=question, user=user)
    table = pack.tables.first()
    table.content = 'Waarde,Verschil,Tekst\r\n-5,-1.5,"\'=1+1"\r\n'
    table.save()
    files = read_zip(answer_pack_archive(pack=pack))
    excel = next(v for k, v in files.items() if k.startswith("csv-excel/")).decode("utf-8-sig")
    assert excel.splitlines()[1] == "-5;-1,5;'=1+1"


def test_pack_html_in_the_application_is_styled_by_a_stylesheet_the_csp_allows(
    logged_in_client, question, user, settings
):
    settings.WHITENOISE_USE_FINDERS = True  # the test run has no collectstatic
    pack = answer_pack_generate(question=question, user=user)
    response = logged_in_client.get(reverse("questions:pack-html", args=[pack.pk]))
    page = response.content.decode()
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert "style=" not in page and "<style" not in page
    (href,) = re.findall(r"<link rel='stylesheet' href='([^']+)'>", page)
    stylesheet = logged_in_client.get(href)
    assert stylesheet.status_code == 200 and stylesheet["Content-Type"].startswith("text/css")
    css = b"".join(stylesheet.streaming_content).decode()
    assert "border: 1px solid #000" in css and "border-collapse: collapse" in css
    # A way back to the pack's page, on screen only.
    back = reverse("questions:pack-detail", args=[pack.pk])
    assert f"<p class='screen-only'><a href='{back}'>← Terug naar het pakket</a></p>" in page
    assert ".screen-only { display: none; }" in css


def test_pack_html_in_the_zip_carries_the_same_stylesheet(logged_in_client, question, user):
    pack = answer_pack_generate(question=question, user=user)
    files = read_zip(
        logged_in_client.get(reverse("questions:pack-download", args=[pack.pk])).content
    )
    page = files["antwoord.html"].decode()
    css = ANSWER_PACK_CSS.read_text(encoding="utf-8")
    assert f"<style>\n{css}</style>" in page
    assert "style=" not in page and "Terug naar het pakket" not in page


def test_a_pack_that_cannot_be_made_says_why_on_the_question_page(logged_in_client, question):
    logged_in_client.post(reverse("questions:pack-generate", args=[question.pk]))
    # Meanwhile the tables are taken off the question: the job explains, in Dutch.
    AnswerTable.objects.filter(subquestion__question=question).delete()
    with pytest.raises(ExportError):
        run_queued_jobs()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    page = logged_in_client.get(question.get_absolute_url()).content.decode()
    assert "Het antwoordpakket kon niet gemaakt worden:" in page
    assert "Deze vraag heeft nog geen antwoordtabellen." in page
    assert "Antwoordpakket maken" in page and not AnswerPack.objects.exists()
