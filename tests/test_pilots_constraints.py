"""Invariants of the pilots app that the database enforces, whatever path the data takes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from pilots.models import Assignment, CareEngagement, Pilot, PilotParticipant, ReportedResult
from tests.factories.mandates import OrganisationFactory
from tests.factories.pilots import (
    AssignmentFactory,
    PilotFactory,
    PilotParticipantFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_assignment_cannot_end_before_it_starts_even_through_update():
    assignment = AssignmentFactory(start_date=dt.date(2018, 10, 1))
    refused(
        lambda: Assignment.objects.filter(pk=assignment.pk).update(end_date=dt.date(2018, 9, 30))
    )
    Assignment.objects.filter(pk=assignment.pk).update(end_date=dt.date(2018, 10, 1))


def test_only_one_care_follow_up():
    AssignmentFactory(is_care_follow_up=True)
    refused(lambda: AssignmentFactory(is_care_follow_up=True))
    AssignmentFactory(is_care_follow_up=False)


@pytest.mark.parametrize("field", ["workers_involved", "companies_involved"])
def test_counts_are_never_negative_even_in_bulk(field):
    pilot = PilotFactory()
    refused(lambda: Pilot.objects.filter(pk=pilot.pk).update(**{field: -1}))
    refused(
        lambda: Pilot.objects.bulk_create(
            [
                Pilot(
                    assignment=pilot.assignment,
                    sector=pilot.sector,
                    participation="Fout",
                    source_order=9999,
                    **{field: -3},
                )
            ]
        )
    )
    # Zero and unknown are both allowed, and stay different.
    Pilot.objects.filter(pk=pilot.pk).update(**{field: 0})
    pilot.refresh_from_db()
    assert getattr(pilot, field) == 0
    Pilot.objects.filter(pk=pilot.pk).update(**{field: None})
    pilot.refresh_from_db()
    assert getattr(pilot, field) is None


def test_source_rows_and_participation_lines():
    pilot = PilotFactory(source_order=1)
    refused(lambda: PilotFactory(source_order=1))
    refused(lambda: Pilot.objects.filter(pk=pilot.pk).update(participation=""))
    refused(lambda: Pilot.objects.filter(pk=pilot.pk).update(outcome="geweldig"))
    refused(lambda: Pilot.objects.filter(pk=pilot.pk).update(status="misschien"))


def test_an_organisation_takes_part_in_a_pilot_once_even_in_bulk():
    participant = PilotParticipantFactory()
    refused(
        lambda: PilotParticipant.objects.bulk_create(
            [
                PilotParticipant(
                    pilot=participant.pilot,
                    organisation=participant.organisation,
                    name_as_written="Andere schrijfwijze",
                )
            ]
        )
    )
    # The same organisation in another pilot is fine: that is the point of shared records.
    PilotParticipantFactory(organisation=participant.organisation)
    refused(lambda: PilotParticipant.objects.filter(pk=participant.pk).update(side="midden"))
    refused(lambda: PilotParticipant.objects.filter(pk=participant.pk).update(name_as_written=""))


def test_unnamed_groups_are_allowed_but_not_twice_under_one_name():
    pilot = PilotFactory()
    PilotParticipant.objects.create(pilot=pilot, name_as_written="Tuinaannemers", side="REC")
    PilotParticipant.objects.create(pilot=pilot, name_as_written="Groenbedrijven", side="SEC")
    refused(lambda: PilotParticipant.objects.create(pilot=pilot, name_as_written="Tuinaannemers"))


def test_a_care_home_count_always_says_what_kind_of_number_it_is():
    assignment = AssignmentFactory()

    def make(**fields):
        fields = {"role": "total", "phase": "engaged", **fields}
        return CareEngagement.objects.bulk_create([CareEngagement(assignment=assignment, **fields)])

    refused(lambda: make(name_as_written="Zonder aard", care_homes=200))
    refused(lambda: make(name_as_written="Aard zonder getal", care_homes_qualifier="more-than"))
    refused(lambda: make(name_as_written="Negatief", care_homes=-1, care_homes_qualifier="exact"))
    refused(lambda: make(name_as_written="Rare rol", role="x"))
    make(name_as_written="Meer dan 200", care_homes=200, care_homes_qualifier="more-than")
    make(name_as_written="Onbekend")
    refused(lambda: make(name_as_written="Meer dan 200"))


def test_reported_results_workers_not_negative():
    result = ReportedResult.objects.create(
        assignment=AssignmentFactory(),
        sector=SectorFactory(),
        outcome="internship",
        host_organisation=OrganisationFactory(),
        description="Stage",
        position=1,
    )
    refused(lambda: ReportedResult.objects.filter(pk=result.pk).update(workers=-2))
    refused(lambda: ReportedResult.objects.filter(pk=result.pk).update(outcome=""))


def test_forms_and_admin_get_a_dutch_message_for_a_number_without_its_kind():
    from django.core.exceptions import ValidationError

    engagement = CareEngagement(
        assignment=AssignmentFactory(),
        name_as_written="Meer dan 200",
        role="total",
        phase="engaged",
        care_homes=200,
    )
    with pytest.raises(ValidationError, match="samen met de aard van dat aantal"):
        engagement.full_clean()
    engagement.care_homes_qualifier = "more-than"
    engagement.full_clean()
