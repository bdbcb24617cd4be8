"""The financial system's payment confirmations, imported all or
nothing with the same preview as the phase import; a reference or amount that does not match
what was approved is refused with a reason naming its row, and nothing changes."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from doorstroom.formatting import format_amount
from payments.models import Claim, Payment, PaymentImportBatch, PaymentImportStatus
from payments.states import ClaimStatus
from tests.factories.payments import claim_in, client_of
from tests.html_forms import forms


@pytest.fixture
def approved(people):
    return [claim_in(ClaimStatus.APPROVED, people) for _ in range(2)]


def amount(claim) -> str:
    return f"{claim.approved_amount}".replace(".", ",")


def csv_file(*rows: str) -> SimpleUploadedFile:
    text = "\r\n".join(["Betalingsreferentie;Betaaldatum;Bedrag (EUR)", *rows]) + "\r\n"
    return SimpleUploadedFile("bevestigingen.csv", text.encode("utf-8-sig"))


def upload(client, file) -> PaymentImportBatch:
    response = client.post(reverse("payments:import"), {"file": file})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return PaymentImportBatch.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def test_a_confirmation_file_is_previewed_then_applied_all_at_once(people, approved):
    first, second = approved
    finance = client_of(people["finance"])
    day = timezone.localdate().strftime("%d/%m/%Y")
    batch = upload(
        finance,
        csv_file(
            f"{first.payment_reference};{day};{amount(first)}",
            f"{second.payment_reference};{day};{amount(second)}",
        ),
    )
    assert batch.status == PaymentImportStatus.CHECKED and batch.error_count == 0
    # The preview is the real apply rolled back: nothing is paid yet.
    assert not Payment.objects.exists()
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.APPROVED}
    page = finance.get(batch.get_absolute_url())
    assert "te betalen" in page.content.decode()
    apply = next(f for f in forms(page) if f.attrs.get("id") == "apply-form")
    assert finance.post(batch.get_absolute_url(), apply.data()).status_code == 302
    batch.refresh_from_db()
    assert batch.status == PaymentImportStatus.APPLIED
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.PAID}
    assert set(Payment.objects.values_list("import_batch", flat=True)) == {batch.pk}
    # The same file again: every reference is paid already, so the file is refused whole.
    again = upload(
        finance,
        csv_file(
            f"{first.payment_reference};{day};{amount(first)}",
            f"{second.payment_reference};{day};{amount(second)}",
        ),
    )
    assert again.status == PaymentImportStatus.REJECTED and again.error_count == 2


def test_a_row_that_does_not_match_refuses_the_whole_file_naming_the_row(people, approved):
    first, second = approved
    finance = client_of(people["finance"])
    day = timezone.localdate().strftime("%d/%m/%Y")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    batch = upload(
        finance,
        csv_file(
            f"{first.payment_reference};{day};{amount(first)}",
            f"{second.payment_reference};{day};1,00",
            f"SV-999999-1;{day};10,00",
            f"{first.payment_reference};{day};{amount(first)}",
            f"nummer 12;{tomorrow};-5",
        ),
    )
    assert batch.status == PaymentImportStatus.REJECTED
    # Stored in every language; read here in Dutch.
    errors = {
        row["row"]: [(e["column"]["nl-be"], e["message"]["nl-be"]) for e in row["errors"]]
        for row in batch.report["rows"]
    }
    assert errors[2] == []
    approved_for = format_amount(second.approved_amount)
    assert errors[3] == [
        ("Bedrag (EUR)", f"{second.number} werd goedgekeurd voor {approved_for}, niet voor € 1,00.")
    ]
    assert errors[4] == [
        (
            "Betalingsreferentie",
            "Geen schuldvordering binnen uw bereik heeft de referentie SV-999999-1.",
        )
    ]
    assert errors[5] == [("Betalingsreferentie", "Deze referentie staat al op rij 2.")]
    assert [column for column, _ in errors[6]] == [
        "Betalingsreferentie",
        "Betaaldatum",
        "Bedrag (EUR)",
    ]
    # All or nothing: the good row 2 is not paid either, and the file cannot be applied.
    assert not Payment.objects.exists()
    assert finance.post(batch.get_absolute_url()).status_code == 302
    assert not Payment.objects.exists()
    body = finance.get(batch.get_absolute_url()).content.decode()
    assert "Er is niets veranderd" in body and "Deze referentie staat al op rij 2." in body


def test_an_xlsx_file_and_a_file_that_is_no_table(people, approved):
    first, _ = approved
    finance = client_of(people["finance"])
    workbook = Workbook()
    workbook.active.append(["Betalingsreferentie", "Betaaldatum", "Bedrag (EUR)"])
    workbook.active.append([first.payment_reference, timezone.localdate(), first.approved_amount])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(finance, SimpleUploadedFile("betaald.xlsx", buffer.getvalue()))
    assert batch.status == PaymentImportStatus.CHECKED, batch.report
    missing = upload(
        finance, SimpleUploadedFile("x.csv", b"Betalingsreferentie;Iets\r\nSV-1;2\r\n")
    )
    assert missing.status == PaymentImportStatus.REJECTED
    assert [error["nl-be"] for error in missing.report["file_errors"]] == [
        "Kolom(men) ontbreken: Betaaldatum, Bedrag (EUR). De eerste regel noemt de kolommen: "
        "Betalingsreferentie, Betaaldatum, Bedrag (EUR)."
    ]
    assert missing.report["file_errors"][0]["en"].startswith("Columns missing: Payment date")


def test_only_finance_imports_confirmations(people, approved):
    for role in ("provider", "provincial", "editor", "analyst"):
        assert client_of(people[role]).get(reverse("payments:import")).status_code == 403
    assert client_of(people["finance"]).get(reverse("payments:import")).status_code == 200


def test_the_report_shows_dates_and_amounts_in_the_readers_language_and_as_written(
    people, approved
):
    """The pay-bad.csv of the walk, read in English: dates and amounts as the page writes them;
    a date that could not be taken (in the future) shown as the file held it, beside the message
    that names it."""
    from django.conf import settings
    from django.utils import translation

    from tests.html_forms import table_rows

    first, _second = approved
    finance = client_of(people["finance"])
    finance.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    today = timezone.localdate()
    future = (today + dt.timedelta(days=24)).strftime("%d/%m/%Y")
    batch = upload(
        finance,
        csv_file(
            f"{first.payment_reference};{today:%d/%m/%Y};{amount(first)}",
            f"SV-999999-1;{future};100,00",
        ),
    )
    assert batch.status == PaymentImportStatus.REJECTED
    page = finance.get(batch.get_absolute_url())
    with translation.override("en"):
        paid = format_amount(first.approved_amount)
    assert "," in paid  # grouped: €10,219.85
    rows = {row[0]: row for row in table_rows(page)}
    assert rows["2"][1:4] == [first.payment_reference, f"{today:%d/%m/%Y}", paid]
    assert rows["3"][1:4] == ["SV-999999-1", future, "€100.00"]
    assert future in rows["3"][4]
