"""What the models of trajectories share: the four phases, the norm of hours, date helpers
for queries."""

from __future__ import annotations

from django.contrib.postgres.fields import DateRangeField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NORM_HOURS_PER_TRAJECTORY = 140
# A running phase counts as "near its maximum" this many days before its deadline.
NEAR_DEADLINE_DAYS = 14


class Phase(models.IntegerChoices):
    """The four consecutive phases of answer 1c, in their order."""

    VOORTRAJECT = 1, _("Pre-trajectory")
    JOB_MATCHING = 2, _("Job matching")
    STAGE = 3, _("Internship")
    NAZORG = 4, _("After-care")


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class AddMonths(models.Func):
    """date + n months as PostgreSQL counts them (31 January + 1 month = 28/29 February)."""

    arg_joiner = " + make_interval(months => "
    template = "((%(expressions)s))::date)"
    output_field = models.DateField()


def first_of_month(field: str) -> Q:
    return Q(**{f"{field}__day": 1})
