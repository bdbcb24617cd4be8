"""Invariants the database itself enforces, whatever path the data takes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mandates.models import Mandate, Organisation, validate_kbo_number
from tests.factories.mandates import MandateFactory, OrganisationFactory


def test_kbo_number_validator_checks_digits():
    validate_kbo_number("0403170701")
    for wrong in ("0403170702", "2403170701", "040317070", "abcdefghij"):
        with pytest.raises(ValidationError):
            validate_kbo_number(wrong)


@pytest.mark.django_db
def test_database_refuses_a_wrong_kbo_number_even_in_bulk():
    Organisation.objects.bulk_create([Organisation(name="Juist", kbo_number="0403170701")])
    for wrong in ("0403170702", "2403170701", "12345"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.bulk_create([Organisation(name=f"Fout {wrong}", kbo_number=wrong)])


@pytest.mark.django_db
def test_organisation_names_are_unique_whatever_the_case():
    OrganisationFactory(name="Mentor vzw")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="MENTOR VZW")


@pytest.mark.django_db
def test_project_numbers_are_unique():
    MandateFactory(project_number=1234)
    with pytest.raises(IntegrityError), transaction.atomic():
        MandateFactory(project_number=1234)


@pytest.mark.django_db
def test_mandate_cannot_end_before_it_starts_even_through_update():
    mandate = MandateFactory(start_date=dt.date(2018, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.filter(pk=mandate.pk).update(end_date=dt.date(2017, 12, 31))
    mandate.end_date = dt.date(2017, 12, 31)
    with pytest.raises(ValidationError):
        mandate.full_clean()
