"""The fee schedules (answer 1c: the fee per phase and the cap, dated) and the health index
they follow."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from trajectories.models.common import DateRange, Phase, first_of_month


class IndexKind(models.TextChoices):
    PLAIN = "plain", _("health index of the month")
    SMOOTHED = "smoothed", _("smoothed health index (average of the last four months)")


class ReferenceMonthRule(models.TextChoices):
    JANUARY_OF_COMPLETION_YEAR = "january", _("January of the year of completion")
    COMPLETION_MONTH = "month", _("month of completion")


class Rounding(models.TextChoices):
    HALF_UP = "ROUND_HALF_UP", _("to the nearest cent, half up")
    HALF_EVEN = "ROUND_HALF_EVEN", _("to the nearest cent, half to even")


class FeeScheduleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> FeeScheduleQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


@audited()
class FeeSchedule(models.Model):
    """A dated version of the fees per phase, the cap and how they follow the health index."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty while still in force.")
    )
    cap_amount = models.DecimalField(_("cap per trajectory (EUR)"), max_digits=10, decimal_places=2)
    index_base_month = models.DateField(
        _("index base month"),
        help_text=_("The month whose health index the base amounts belong to (first day)."),
    )
    index_kind = models.CharField(
        _("index"), max_length=10, choices=IndexKind.choices, default=IndexKind.SMOOTHED
    )
    reference_month_rule = models.CharField(
        _("reference month"),
        max_length=10,
        choices=ReferenceMonthRule.choices,
        default=ReferenceMonthRule.JANUARY_OF_COMPLETION_YEAR,
    )
    rounding = models.CharField(
        _("rounding"), max_length=20, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = FeeScheduleQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["valid_from"]
        constraints = [
            ExclusionConstraint(
                name="fee_schedule_no_overlapping_validity",
                expressions=[
                    (
                        DateRange("valid_from", "valid_to", RangeBoundary(inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    )
                ],
                violation_error_message=_("Another fee schedule is in force in this period."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="fee_schedule_valid_to_not_before_valid_from",
                violation_error_message=_(
                    "A fee schedule cannot be valid until a date before it is valid from."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cap_amount__gt=0),
                name="fee_schedule_cap_positive",
                violation_error_message=_("The cap per trajectory must be more than zero."),
            ),
            models.CheckConstraint(
                condition=first_of_month("index_base_month"),
                name="fee_schedule_index_base_month_first_day",
                violation_error_message=_(
                    "The base month of the index is the first day of a month, e.g. 01/01/2024."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_force(self, on: dt.date) -> bool:
        """The rule of FeeScheduleQuerySet.in_force, for schedules already in memory."""
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


@audited()
class FeeSchedulePhase(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="phases")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    base_amount = models.DecimalField(_("base amount (EUR)"), max_digits=10, decimal_places=2)
    max_months = models.PositiveSmallIntegerField(_("maximum duration (months)"))
    norm_hours = models.PositiveSmallIntegerField(_("norm hours"))

    class Meta:
        verbose_name = _("phase fee")
        verbose_name_plural = _("phase fees")
        ordering = ["schedule", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "phase"], name="fee_schedule_phase_once"),
            models.CheckConstraint(
                condition=Q(phase__gte=1, phase__lte=4),
                name="fee_schedule_phase_known",
                violation_error_message=_("Choose one of the four phases."),
            ),
            models.CheckConstraint(
                condition=Q(base_amount__gte=0),
                name="fee_schedule_phase_amount_not_negative",
                violation_error_message=_("The base amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(max_months__gte=1),
                name="fee_schedule_phase_max_months_positive",
                violation_error_message=_("The maximum duration is at least one month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.get_phase_display()}"


@audited()
class HealthIndexMonth(models.Model):
    """The health index (base 2013 = 100) of one month, with how sure we are of it."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    value = models.DecimalField(_("health index"), max_digits=7, decimal_places=2)
    verified = models.BooleanField(
        _("confirmed by two sources"),
        default=False,
        help_text=_("Unticked: taken from a single secondary source, not yet confirmed."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("health index month")
        verbose_name_plural = _("health index")
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=first_of_month("month"),
                name="health_index_month_first_day",
                violation_error_message=_(
                    "The month of a health index is the first day of that month, e.g. 01/03/2024."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="health_index_value_positive",
                violation_error_message=_("The health index must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.value}"
