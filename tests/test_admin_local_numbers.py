"""The admin reads and shows amounts and hours as the page's language writes them: 1.500,50
and 12,00 in Dutch, 1,500.50 and 12.00 in English (doorstroom.admin_site)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import MandateBudget
from tests.admin_posts import page_data
from tests.factories.mandates import MandateFactory
from tests.factories.trajectories import PhaseRecordFactory


@pytest.mark.parametrize(("language", "typed"), [("nl-be", "1.500,50"), ("en", "1,500.50")])
def test_an_amount_typed_in_the_pages_language_is_saved_as_typed(admin_client_, language, typed):
    admin_client_.cookies["django_language"] = language
    mandate = MandateFactory()
    url = reverse("admin:payments_mandatebudget_add")
    page = admin_client_.get(url)
    amount = page.context["adminform"].form["amount"]
    assert 'type="text"' in str(amount) and 'inputmode="decimal"' in str(amount)
    data = {**page_data(page), "mandate": mandate.pk, "amount": typed, "max_trajectories": "10"}
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert MandateBudget.objects.get(mandate=mandate).amount == Decimal("1500.50")


def test_a_dutch_comma_is_never_read_as_a_thousands_separator(admin_client_):
    admin_client_.cookies["django_language"] = "nl-be"
    mandate = MandateFactory()
    url = reverse("admin:payments_mandatebudget_add")
    data = {**page_data(admin_client_.get(url)), "mandate": mandate.pk, "max_trajectories": "1"}
    admin_client_.post(url, {**data, "amount": "1500,5"})
    assert MandateBudget.objects.get(mandate=mandate).amount == Decimal("1500.50")


@pytest.mark.parametrize(("language", "shown"), [("nl-be", "12,00"), ("en", "12.00")])
def test_hours_are_shown_in_the_pages_language(admin_client_, language, shown):
    admin_client_.cookies["django_language"] = language
    record = PhaseRecordFactory(hours=Decimal("12"))
    page = admin_client_.get(reverse("admin:trajectories_phaserecord_change", args=[record.pk]))
    assert page.status_code == 200
    assert page.context["adminform"].form["hours"].value() == Decimal("12")
    assert f'value="{shown}"' in str(page.context["adminform"].form["hours"])
