"""Corrections without overwriting: after a health index month or a fee schedule is corrected,
what each paid phase is due now against what was claimed for it.

A run is computed and kept as a preview; once another person approves it, its items wait for
the provider's next claim, which takes them as top-up or recovery lines. Nothing already
claimed, approved or paid is changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate
from payments.models.claims import ClaimLine, scoped_to_mandates
from payments.states import CorrectionStatus
from trajectories.models import FeeSchedule, Phase, PhaseRecord, Trajectory


class CorrectionRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> CorrectionRunQuerySet:
        """Runs are national: for those who make and approve them."""
        return self if roles.may_run_corrections(user) else self.none()


@audited()
class CorrectionRun(models.Model):
    reason = models.TextField(
        _("reason"), help_text=_("What was corrected, e.g. the health index of March 2024.")
    )
    fee_schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("only phases paid under this fee schedule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_from = models.DateField(_("completed from"), null=True, blank=True)
    completed_to = models.DateField(_("completed until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PREVIEW,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or discarded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved or discarded at"), null=True, blank=True)
    phase_count = models.PositiveIntegerField(_("paid phases compared"), default=0)
    item_count = models.PositiveIntegerField(_("differences"), default=0)
    total_difference = models.DecimalField(
        _("total difference (EUR)"), max_digits=14, decimal_places=2, default=0
    )
    version = version_field()

    objects = CorrectionRunQuerySet.as_manager()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("correction run")
        verbose_name_plural = _("correction runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_known",
                violation_error_message=_(
                    "This correction run has an unknown status: it is a preview, approved "
                    "or discarded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.PREVIEW)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="correction_decided_by_someone",
                violation_error_message=_(
                    "An approved or discarded correction run records who decided and when."
                ),
            ),
            # Four eyes: whoever computed the run does not approve it.
            models.CheckConstraint(
                condition=~Q(status=CorrectionStatus.APPROVED) | ~Q(approved_by=F("created_by")),
                name="correction_four_eyes",
                violation_error_message=_(
                    "Whoever computed a correction run does not approve it; someone else does."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Correction run %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("payments:correction-detail", args=[self.pk])


class CorrectionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> CorrectionItemQuerySet:
        return scoped_to_mandates(self, user, "mandate")

    def pending(self) -> CorrectionItemQuerySet:
        """Approved and on no claim yet (or only on rejected ones): for the next claim."""
        held = ClaimLine.objects.active().filter(correction_item=OuterRef("pk"))
        return self.filter(run__status=CorrectionStatus.APPROVED).exclude(Exists(held))


@audited()
class CorrectionItem(models.Model):
    """One paid phase whose due amount differs now from what was claimed for it."""

    run = models.ForeignKey(CorrectionRun, on_delete=models.CASCADE, related_name="items")
    phase = models.ForeignKey(
        PhaseRecord, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="+"
    )
    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="+"
    )
    phase_number = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    completed_on = models.DateField(_("completed on"))
    claimed_before = models.DecimalField(_("claimed so far (EUR)"), max_digits=10, decimal_places=2)
    due_now = models.DecimalField(_("due now (EUR)"), max_digits=10, decimal_places=2)
    difference = models.DecimalField(_("difference (EUR)"), max_digits=10, decimal_places=2)
    # What "due now" was computed with: the correction line freezes it as a fee line does.
    fee_schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="+")
    index_reference_month = models.DateField(_("index month"))
    index_value = models.DecimalField(_("health index used"), max_digits=7, decimal_places=2)
    index_base_value = models.DecimalField(_("base index"), max_digits=7, decimal_places=2)

    objects = CorrectionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["run", "mandate", "completed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(difference=0) & Q(difference=F("due_now") - F("claimed_before")),
                name="correction_item_difference",
                violation_error_message=_(
                    "A correction is the difference between what is due now and what was "
                    "claimed before, and is never zero."
                ),
            ),
            models.UniqueConstraint(fields=["run", "phase"], name="correction_item_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run}: {self.get_phase_number_display()} {self.difference}"
