"""A document is never kept under the name it was uploaded with: providers name files after the
worker ("Stageovereenkomst Sander Maes 85.07.30-033.61.pdf"), and names and national numbers are
kept only in the worker record. The document gets a generated name (kind, claim line or phase by
pseudonymous references, extension of the detected type) in its row, its events, its storage
path, its download and on every page."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from mandates.models import Mandate
from payments.models import EvidenceDocument
from tests.factories.payments import PDF, claim_in, client_of, completed_trajectory
from tests.html_forms import forms

UPLOADED = "Stageovereenkomst Sander Maes 85.07.30-033.61.pdf"
LEAKS = ("Sander", "Maes", "85.07.30", "033.61", "85073003361")


def texts_of(table: str) -> list[str]:
    """Every value of every text, character and JSON column of `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND data_type IN ('text', 'character varying', 'jsonb', 'json')",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        assert columns, table
        values = []
        for column in columns:
            cursor.execute(f'SELECT "{column}"::text FROM "{table}"')
            values += [row[0] for row in cursor.fetchall() if row[0]]
    return values


def assert_no_leak(text: str, where: str) -> None:
    for leak in LEAKS:
        assert leak not in text, (leak, where)


def test_an_uploaded_name_is_kept_nowhere(people):
    mandate = Mandate.objects.get(project_number=7887)
    trajectory = completed_trajectory(mandate, phases=3)
    phase = trajectory.phases.get(phase=3)
    provider = client_of(people["provider"])
    url = reverse("payments:phase-evidence", args=[phase.pk])
    page = provider.get(url)
    form = next(form for form in forms(page) if form.attrs.get("action") == url)
    kinds = {label: value for value, label in form.select("kind").options}
    added = provider.post(
        url,
        {
            **form.data(),
            "kind": kinds["Stageovereenkomst"],
            "file": SimpleUploadedFile(UPLOADED, PDF),
        },
    )
    assert added.status_code == 302
    document = EvidenceDocument.objects.get()
    reference = trajectory.worker.reference
    assert document.original_name == f"stageovereenkomst_{reference}-F3.pdf"
    assert re.fullmatch(
        rf"{trajectory.pk}/{phase.pk}/stageovereenkomst_{reference}-F3-[0-9a-f]{{12}}\.pdf",
        document.file.name,
    )

    # Nothing of the uploaded name in the row, its events or their contexts.
    for table in (
        "payments_evidencedocument",
        "payments_evidencedocumentevent",
        "pghistory_context",
    ):
        for value in texts_of(table):
            assert_no_leak(value, table)

    # Nor on the pages, the admin's or in the download.
    shown = provider.get(url).content.decode()
    assert f">stageovereenkomst_{reference}-F3.pdf</a>" in shown
    assert_no_leak(shown, "phase page")
    administrator = client_of(people["administrator"])
    admin_list = administrator.get(reverse("admin:payments_evidencedocument_changelist"))
    assert admin_list.status_code == 200
    assert f"stageovereenkomst_{reference}-F3.pdf" in admin_list.content.decode()
    assert_no_leak(admin_list.content.decode(), "admin list")
    admin_page = administrator.get(
        reverse("admin:payments_evidencedocument_change", args=[document.pk])
    )
    assert admin_page.status_code == 200
    assert_no_leak(admin_page.content.decode(), "admin page")
    history = administrator.get(
        reverse("admin:payments_evidencedocument_history", args=[document.pk])
    )
    assert_no_leak(history.content.decode(), "admin history")
    download = provider.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="stageovereenkomst_{reference}-F3.pdf"'
    )


def test_a_document_of_a_claim_line_is_named_after_the_claim_and_its_line(people):
    claim = claim_in("ingediend", people)
    document = EvidenceDocument.objects.filter(claim_line__claim=claim).first()
    assert document is not None
    line = document.claim_line
    assert re.fullmatch(rf"[a-z-]+_{claim.number}-L{line.position}\.pdf", document.original_name), (
        document.original_name
    )
