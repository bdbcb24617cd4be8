"""Amounts and dates on a claim's forms as a person reads and types them in each language: the
payment form is filled in as the pages write dates and amounts (07/12/2026, 10.219,85), takes
back what it showed and amounts with thousands separators; a deduction that cannot be read as a
number says so on its field, and its help shows an amount in the page's own notation."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.formatting import format_number
from payments.models import DeductionReason
from payments.states import ClaimStatus
from tests.factories.payments import CHECKED, claim_in
from tests.html_forms import forms


def client_of(user, language: str = "nl-be") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def form_on(response, action: str):
    return next(form for form in forms(response) if form.attrs.get("action") == action)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_payment_form_is_filled_in_as_the_pages_write_and_takes_it_back(people, language):
    claim = claim_in(ClaimStatus.APPROVED, people)
    assert claim.approved_amount >= 1000  # so that its thousands are grouped
    finance = client_of(people["finance"], language)
    pay = reverse("payments:claim-pay", args=[claim.pk])
    page = finance.get(claim.get_absolute_url())
    data = form_on(page, pay).data()
    today = timezone.localdate()
    assert data["pay-paid_on"] == today.strftime("%d/%m/%Y")
    english = f"{claim.approved_amount:,.2f}"  # 10,219.85
    dutch = english.replace(",", " ").replace(".", ",").replace(" ", ".")  # 10.219,85
    assert data["pay-amount"] == (dutch if language == "nl-be" else english)
    with translation.override(language):
        assert data["pay-amount"] == format_number(claim.approved_amount, 2)
    response = finance.post(pay, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.payment.amount == claim.approved_amount
    assert claim.payment.paid_on == today


def test_an_amount_with_thousands_separators_is_read_as_the_page_writes_it(people):
    claim = claim_in(ClaimStatus.APPROVED, people)
    finance = client_of(people["finance"])
    pay = reverse("payments:claim-pay", args=[claim.pk])
    data = form_on(finance.get(claim.get_absolute_url()), pay).data()
    # Typed as a Dutch page shows it, with a euro sign; 1.00 is no grouping, so no number.
    refused = finance.post(pay, {**data, "pay-amount": "1.0000,00"})
    assert refused.status_code == 400
    assert "Voer een getal in." in refused.content.decode()
    typed = f"€ {claim.approved_amount:,.2f}".replace(",", " ").replace(".", ",")
    typed = typed.replace(" ", ".").replace("€.", "€ ")
    assert "." in typed
    today = timezone.localdate()
    response = finance.post(pay, {**data, "pay-amount": typed, "pay-paid_on": f"{today:%d.%m.%Y}"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    claim.refresh_from_db()
    assert claim.payment.amount == claim.approved_amount
    assert claim.payment.paid_on == today


def deduction(claim, amount: str) -> dict:
    line = claim.lines.get(position=2)
    reason = DeductionReason.objects.get(code="bewijs-ontbreekt")
    return {
        "deductions-0-line": str(line.position),
        "deductions-0-amount": amount,
        "deductions-0-reason": str(reason.pk),
        "deductions-0-note": "Verslag onvolledig.",
    }


def test_a_deduction_in_english_is_typed_and_helped_in_english(people):
    claim = claim_in(CHECKED, people)
    approve = reverse("payments:claim-approve", args=[claim.pk])
    dutch_page = client_of(people["finance"]).get(claim.get_absolute_url()).content.decode()
    assert "bv. 420,00" in dutch_page
    finance = client_of(people["finance"], "en")
    page = finance.get(claim.get_absolute_url())
    body = page.content.decode()
    assert "e.g. 420.00" in body and "420,00" not in body
    data = form_on(page, approve).data()

    # 500,00 is no number in English: said on the field, not that the amount is missing.
    refused = finance.post(approve, {**data, **deduction(claim, "500,00")})
    assert refused.status_code == 400
    errors = refused.context["actions"]["deductions"].forms[0].errors
    assert errors == {"amount": ["Enter a number."]}
    assert "needs its line, amount and reason" not in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW

    # Left out, the amount is missing, and that is said.
    missing = finance.post(approve, {**data, **deduction(claim, "")})
    assert missing.status_code == 400
    assert "A deduction needs its line, amount and reason." in missing.content.decode()

    approved = finance.post(approve, {**data, **deduction(claim, "500.00")})
    assert approved.status_code == 302, approved.content.decode()[-3000:]
    claim.refresh_from_db()
    assert claim.approved_amount == claim.claimed_amount - Decimal("500.00")
