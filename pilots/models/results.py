"""The outcomes of the pilots (answer 2c) as the service providers reported them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Organisation
from pilots.models.pilots import Assignment, PilotOutcome, Sector


class ReportedResultQuerySet(models.QuerySet):
    def for_listing(self) -> ReportedResultQuerySet:
        return self.select_related(
            "assignment", "assignment__provider", "sector", "host_organisation"
        ).order_by("position")


class ReportedResult(models.Model):
    """A result as answer 2c reports it: per sector or per assignment, not per pilot.

    The source says "two target-group workers in care homes" without naming the pilot, so the
    figure is kept at the level it was given instead of being pinned on a guessed pilot.
    """

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="reported_results",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_results",
        help_text=_("Empty when the result concerns every pilot of the assignment."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=PilotOutcome.choices)
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_pilot_results",
    )
    job = models.CharField(_("job"), max_length=100, blank=True)
    workers = models.PositiveIntegerField(
        _("number of target-group workers"),
        null=True,
        blank=True,
        help_text=_("Leave empty while unknown; empty is not zero."),
    )
    description = models.TextField(_("as the source reports it"))
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    objects = ReportedResultQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("reported result")
        verbose_name_plural = _("reported results")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workers__isnull=True) | Q(workers__gte=0),
                name="reported_result_workers_not_negative",
                violation_error_message=_("A number of workers cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=PilotOutcome.values),
                name="reported_result_outcome_valid",
                violation_error_message=_("Choose an outcome from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="reported_result_description_not_empty",
                violation_error_message=_(
                    "Write the result as the source reports it; it cannot be empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]
