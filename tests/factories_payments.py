"""Claims and the completed phases they are made of.

Completed phases come from the services (their fees are the real indexed fees); a claim and its
lines from the factories below, for tests of the database's own rules, or from
payments.services for everything a person does.
"""

import datetime as dt
from decimal import Decimal

import factory

from payments.models import Claim, ClaimLine, DeductionReason
from payments.states import LineKind
from tests.factories import OrganisationFactory
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create

# Long enough ago that every phase has ended, recent enough that the index of its year exists.
FIRST_DAY = dt.date(2024, 1, 8)


def completed_trajectory(mandate, *, start: dt.date = FIRST_DAY, phases: int = 4):
    """A trajectory whose first `phases` phases are completed (20 days each) by the services."""
    trajectory = trajectory_start(
        worker=worker_create(first_name="Ilse", last_name="Claes"),
        mandate=mandate,
        origin_employer=OrganisationFactory(),
        start_date=start,
    )
    day = start
    for number in range(1, phases + 1):
        if number > 1:
            phase_start(trajectory=trajectory, start_date=day)
        day += dt.timedelta(days=20)
        phase_complete(trajectory=trajectory, end_date=day, hours=Decimal("12"))
    trajectory.refresh_from_db()
    return trajectory


class ClaimFactory(factory.django.DjangoModelFactory):
    """A draft claim without lines; add them with ClaimLineFactory."""

    class Meta:
        model = Claim

    period_start = dt.date(2024, 1, 1)
    period_end = dt.date(2024, 12, 31)


class ClaimLineFactory(factory.django.DjangoModelFactory):
    """The fee line of a completed phase, frozen as the services freeze it."""

    class Meta:
        model = ClaimLine

    kind = LineKind.FEE
    mandate = factory.LazyAttribute(lambda o: o.claim.mandate)
    trajectory = factory.LazyAttribute(lambda o: o.phase.trajectory)
    phase_number = factory.LazyAttribute(lambda o: o.phase.phase)
    completed_on = factory.LazyAttribute(lambda o: o.phase.end_date)
    amount = factory.LazyAttribute(lambda o: o.phase.fee_amount)
    fee_schedule = factory.LazyAttribute(lambda o: o.phase.fee_schedule)
    index_reference_month = factory.LazyAttribute(lambda o: o.phase.index_reference_month)
    index_value = factory.LazyAttribute(lambda o: o.phase.index_value)
    index_base_value = factory.LazyAttribute(lambda o: o.phase.index_base_value)


class DeductionReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeductionReason
        django_get_or_create = ("code",)

    code = "bewijs-ontbreekt"
    label = "Bewijsstuk ontbreekt of is onvolledig"
