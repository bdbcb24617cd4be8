import factory

from pilots.models import Assignment, Pilot, PilotParticipant, Sector
from tests.factories.mandates import OrganisationFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    position = factory.Sequence(lambda n: 100 + n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Opdracht {n}")
    provider = factory.SubFactory(OrganisationFactory, kind="consultancy")


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    assignment = factory.SubFactory(AssignmentFactory)
    sector = factory.SubFactory(SectorFactory)
    participation = factory.Sequence(lambda n: f"Proeftuin {n}")
    source_order = factory.Sequence(lambda n: 1000 + n)


class PilotParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotParticipant

    pilot = factory.SubFactory(PilotFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    name_as_written = factory.LazyAttribute(lambda o: o.organisation.name)
    side = "SEC"
