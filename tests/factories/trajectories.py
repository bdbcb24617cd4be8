import datetime as dt

import factory

from tests.factories.mandates import MandateFactory, OrganisationFactory
from trajectories.models import Phase, PhaseRecord, Trajectory, Worker


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Familienaam{n}")


class TrajectoryFactory(factory.django.DjangoModelFactory):
    """A bare trajectory; use the services to give it phases with fees."""

    class Meta:
        model = Trajectory

    worker = factory.SubFactory(WorkerFactory)
    mandate = factory.SubFactory(MandateFactory)
    origin_employer = factory.SubFactory(OrganisationFactory)
    start_date = dt.date(2019, 3, 4)


class PhaseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseRecord

    trajectory = factory.SubFactory(TrajectoryFactory)
    phase = Phase.VOORTRAJECT
    start_date = factory.LazyAttribute(lambda o: o.trajectory.start_date)
    max_months = 1
