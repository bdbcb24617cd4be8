"""The ledger per mandate and period (page and exports, the same
filtered rows), a claim's statement, the payments for the financial system, the budget on the
mandate's page, and paid beside owed on the provider statement and the dashboard; each scoped."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.exports import export_bytes, get_export
from doorstroom.formatting import format_amount
from mandates.models import Mandate
from payments.models import DeductionReason, MandateBudget
from payments.services import Deduction, claim_approve, payment_record
from payments.states import ClaimStatus
from tests.factories.payments import (
    CHECKED,
    claim_in,
    client_of,
    completed_trajectory,
)
from tests.html_forms import filter_form, table_rows


@pytest.fixture
def paid(people):
    """A claim of 7887 paid with a deduction of 100,00 on its line 2, and 6454's phases owed."""

    claim = claim_in(CHECKED, people)
    line = claim.lines.get(position=2)
    claim_approve(
        user=people["finance"],
        claim=claim,
        deductions={
            line.pk: Deduction(
                amount=Decimal("100.00"),
                reason=DeductionReason.objects.get(code="niet-conform"),
                note="Onvolledig verslag.",
            )
        },
    )
    claim.refresh_from_db()
    payment_record(
        user=people["finance"],
        claim=claim,
        reference=claim.payment_reference,
        paid_on=timezone.localdate(),
        amount=claim.approved_amount,
    )
    completed_trajectory(Mandate.objects.get(project_number=6454), phases=2)
    claim.refresh_from_db()
    return claim


def rows_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_ledger_shows_owed_claimed_approved_paid_and_outstanding(people, paid):
    finance = client_of(people["finance"])
    url = reverse("payments:ledger")
    page = finance.get(url)
    assert page.status_code == 200
    fees = paid.claimed_amount
    totals = page.context["totals"]
    assert totals["claimed"] == totals["paid"] + 100 == fees
    assert totals["approved"] == paid.approved_amount
    owed_6454 = sum(
        p.fee_amount
        for p in Mandate.objects.get(project_number=6454).trajectories.get().phases.all()
    )
    assert totals["owed"] == fees + owed_6454
    assert totals["outstanding"] == owed_6454 + 100
    # Filtered through its form: one mandate, per year.
    form = filter_form(page)
    by_form = finance.get(url, {**form.data(), "mandate": "7887", "per": "year"})
    rows = table_rows(by_form)
    assert [row[:3] for row in rows] == [["7887", "Doorstroom Sociale Economie Limburg", "2024"]]
    # The download takes the page's filters and holds the same figures.
    download = finance.get(
        reverse("export-download", args=["payments-ledger"]),
        {"mandate": "7887", "per": "year", "format": "csv", "dialect": "excel-nl"},
    )
    exported = rows_of(download)
    assert exported[0][:4] == ["Projectnummer", "Projectnaam", "Oproep", "Periode"]
    assert exported[1][3] == "2024" and exported[-1][1] == "Totaal"
    assert exported[1][5:] == [
        f"{fees}".replace(".", ","),
        f"{fees}".replace(".", ","),
        f"{paid.approved_amount}".replace(".", ","),
        f"{paid.approved_amount}".replace(".", ","),
        "100,00",
    ]
    xlsx = finance.get(reverse("export-download", args=["payments-ledger"]), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_ledger_is_scoped_and_not_for_the_analyst(people, paid, make_user):
    url = reverse("payments:ledger")
    assert client_of(people["analyst"]).get(url).status_code == 403
    download = reverse("export-download", args=["payments-ledger"])
    assert client_of(people["analyst"]).get(download).status_code == 403
    provider_rows = table_rows(client_of(people["provider"]).get(url))
    assert {row[0] for row in provider_rows} == {"7887"}
    limburg_rows = table_rows(client_of(people["provincial"]).get(url))
    assert "6454" not in {row[0] for row in limburg_rows}
    assert "6454" in {row[0] for row in table_rows(client_of(people["finance"]).get(url))}


def test_a_ledger_page_makes_the_same_queries_whatever_the_data(people, paid):
    finance = client_of(people["finance"])
    url = reverse("payments:ledger")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(url).status_code == 200
        return len(captured)

    queries()  # the first request of a session reads what later ones find cached
    before = queries()
    for number in (6441, 6454, 7889):
        completed_trajectory(Mandate.objects.get(project_number=number), phases=3)
    assert queries() == before


def test_a_claim_page_makes_the_same_queries_whatever_its_lines(people):
    small = claim_in(CHECKED, people)
    big = claim_in(CHECKED, people, trajectories=8)
    finance = client_of(people["finance"])

    def queries(claim) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(claim.get_absolute_url()).status_code == 200
        return len(captured)

    queries(small)  # the first request of a session reads what later ones find cached
    assert queries(small) == queries(big)


def test_the_provider_statement_shows_paid_beside_owed(people, paid):
    from trajectories.exports import ProviderStatementExport

    params = {"mandate": "7887"}
    rows = list(ProviderStatementExport(params).rows())
    assert ProviderStatementExport(params).header()[-2:] == ["Vergoeding (EUR)", "Betaald (EUR)"]
    lines = [row for row in rows if row[4] not in ("Totaal", None)]
    assert [row[-1] for row in lines] == [
        line.amount - line.deduction for line in paid.lines.order_by("phase_number")
    ]
    assert rows[-1][-2:] == [paid.claimed_amount, paid.approved_amount]
    text = export_bytes(ProviderStatementExport(params), "csv", "excel-nl").decode("utf-8-sig")
    assert text.splitlines()[0].endswith(";Vergoeding (EUR);Betaald (EUR)")


def test_the_dashboard_shows_paid_beside_owed(people, paid):
    response = client_of(people["analyst"]).get(reverse("home"))
    section = next(s for s in response.context["sections"] if s.name == "dashboard-fees-paid")
    assert section.header[-2:] == ["Verschuldigd (EUR)", "Betaald (EUR)"]
    # One quarter: seven completed phases (four of 7887, two of 6454... and paid for 7887's).
    quarter = section.rows[0]
    assert quarter[3] == paid.approved_amount
    assert section.rows[-1][0] == "Totaal" and section.rows[-1][3] == paid.approved_amount


def test_the_mandates_page_shows_its_budget_to_who_may_see_payments(people, paid):
    MandateBudget.objects.create(
        mandate=paid.mandate, amount=Decimal("10000.00"), max_trajectories=3
    )
    url = reverse("mandates:detail", args=[7887])
    body = client_of(people["provider"]).get(url).content.decode()
    assert 'id="mandate-budget"' in body
    assert "Over van het budget" in body and paid.number in body
    assert 'id="mandate-budget"' not in client_of(people["analyst"]).get(url).content.decode()


def test_the_mandates_page_names_each_claims_amounts_by_what_they_are(people, paid):
    """A claim paid with a deduction is listed with what was paid, not what was claimed as if
    it had been paid."""
    page = client_of(people["finance"]).get(reverse("mandates:detail", args=[7887]))
    items = re.findall(r"<li>(.*?)</li>", page.content.decode().split('id="payments"')[1])
    line = next(
        html.unescape(re.sub(r"<[^>]+>", "", item)) for item in items if paid.number in item
    )
    paid_amount = paid.claimed_amount - Decimal("100.00")
    assert paid.payment.amount == paid_amount
    with translation.override("nl"):
        claimed, approved = format_amount(paid.claimed_amount), format_amount(paid_amount)
    assert line == (
        f"{paid.number}: betaald, gevorderd {claimed}, goedgekeurd {approved}, betaald {approved}"
    )


def test_a_claims_statement_and_the_payments_for_the_financial_system(people, paid):
    statement = get_export("claim-statement")({"claim": str(paid.pk)}, user=people["finance"])
    rows = list(statement.rows())
    assert len(rows) == 4 + 2  # its lines, its total, the grand total
    assert rows[1][12:16] == [
        Decimal("100.00"),
        "Fase niet uitgevoerd zoals voorgeschreven",
        "Onvolledig verslag.",
        rows[1][11] - 100,
    ]
    assert rows[4][4] == "Totaal" and rows[4][15] == paid.approved_amount
    other = claim_in(ClaimStatus.APPROVED, people)
    payments = list(get_export("payments-approved")({}, user=people["finance"]).rows())
    assert [row[0] for row in payments] == [other.payment_reference]
    assert payments[0][5] == other.approved_amount
    # For the provider only its own claims; nothing for the analyst.
    assert get_export("payments-approved").may_be_downloaded_by(people["analyst"]) is False
    assert not get_export("payments-approved").may_be_published()


@pytest.mark.parametrize(
    "language, outdated, pointer",
    [
        ("nl-be", "niet in de toepassing bijgehouden", "Verschuldigde en betaalde vergoedingen"),
        ("en", "not recorded in the application", "Fees owed and paid per quarter"),
    ],
)
def test_the_fees_owed_export_no_longer_says_payments_are_not_recorded(
    people, language, outdated, pointer
):
    from django.conf import settings

    client = client_of(people["finance"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("exports")).content.decode()
    owed = body.split('id="export-dashboard-fees-owed"')[1].split("<form")[0]
    assert outdated not in body
    assert pointer in owed
