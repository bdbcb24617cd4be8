"""One phase of a trajectory; once completed it carries its fee and the index behind it.

The rules that span rows (phase order, a phase starting after the previous one ended) are also
enforced by a trigger installed in migration 0002, so no path around the services can break them.
"""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate
from trajectories.models.common import NEAR_DEADLINE_DAYS, AddMonths, Phase
from trajectories.models.fees import FeeSchedule
from trajectories.models.figures import refresh_triggers
from trajectories.models.summaries import phase_summary_triggers
from trajectories.models.trajectories import Trajectory


class PhaseRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> PhaseRecordQuerySet:
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        # Through the relation, as Trajectory.visible_to does: `trajectory IN (visible
        # trajectories)` makes PostgreSQL hash every visible trajectory first.
        return self.filter(trajectory__mandate__in=Mandate.objects.visible_to(user).values("pk"))

    def running(self) -> PhaseRecordQuerySet:
        return self.filter(end_date__isnull=True)

    def overdue(self, today: dt.date | None = None) -> PhaseRecordQuerySet:
        return self.running().filter(deadline__lt=today or timezone.localdate())

    def near_or_past_deadline(self, today: dt.date | None = None) -> PhaseRecordQuerySet:
        today = today or timezone.localdate()
        return self.running().filter(deadline__lt=today + dt.timedelta(days=NEAR_DEADLINE_DAYS))

    def completed(self) -> PhaseRecordQuerySet:
        return self.filter(fee_amount__isnull=False)

    def for_deadlines(self) -> PhaseRecordQuerySet:
        return self.select_related(
            "trajectory__worker", "trajectory__mandate__call", "trajectory__mandate__promoter"
        ).order_by("deadline", "pk")


SYNC_CURRENT_PHASE = (
    "UPDATE trajectories_trajectory SET current_phase = latest.phase FROM (SELECT max(phase) "
    "AS phase FROM trajectories_phaserecord WHERE trajectory_id = {row}.trajectory_id) AS latest "
    "WHERE id = {row}.trajectory_id AND current_phase IS DISTINCT FROM latest.phase;"
)


@audited()
class PhaseRecord(models.Model):
    """One phase of a trajectory; once completed it carries its fee and the index behind it."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty while the phase is running.")
    )
    # Copied from the schedule in force at the start, so the deadline never moves afterwards.
    max_months = models.PositiveSmallIntegerField(_("maximum duration (months)"))
    deadline = models.GeneratedField(
        expression=AddMonths("start_date", "max_months"),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("deadline"),
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=0)

    fee_amount = models.DecimalField(
        _("fee (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_schedule = models.ForeignKey(
        FeeSchedule,
        verbose_name=_("fee schedule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phase_records",
    )
    index_reference_month = models.DateField(_("index month"), null=True, blank=True)
    index_value = models.DecimalField(
        _("health index used"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    index_base_value = models.DecimalField(
        _("base index"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    fee_note = models.TextField(
        _("fee note"), blank=True, help_text=_("E.g. why the fee was reduced to the cap.")
    )

    over_maximum = models.BooleanField(_("longer than the maximum (exception)"), default=False)
    over_maximum_reason = models.TextField(_("reason for the exception"), blank=True)
    over_maximum_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    over_maximum_approved_at = models.DateTimeField(
        _("exception approved at"), null=True, blank=True
    )

    version = version_field()

    objects = PhaseRecordQuerySet.as_manager()

    class Meta:
        triggers = [
            version_bump_trigger(),
            *refresh_triggers(),
            *phase_summary_triggers(),
            # Keep Trajectory.current_phase: a trajectory whose latest phase changes is updated,
            # and its own trigger derives the value again. That update raises the trajectory's
            # version and is in its history, as any change of the trajectory is.
            pgtrigger.Trigger(
                name="current_phase_sync",
                operation=pgtrigger.Insert | pgtrigger.Delete,
                when=pgtrigger.After,
                func=f"""
                IF TG_OP = 'INSERT' THEN {SYNC_CURRENT_PHASE.format(row="NEW")}
                ELSE {SYNC_CURRENT_PHASE.format(row="OLD")} END IF;
                RETURN NULL;
                """,
            ),
            # Hours, fees and dates change often (imports, every save); only a change of phase
            # or of trajectory can change a latest phase.
            pgtrigger.Trigger(
                name="current_phase_sync_update",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("trajectory", "phase"),
                when=pgtrigger.After,
                func=f"""
                {SYNC_CURRENT_PHASE.format(row="NEW")} {SYNC_CURRENT_PHASE.format(row="OLD")}
                RETURN NULL;
                """,
            ),
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["trajectory", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "phase"],
                name="phase_record_once_per_trajectory",
                violation_error_message=_("This trajectory already has this phase."),
            ),
            models.CheckConstraint(
                condition=Q(phase__gte=1, phase__lte=4),
                name="phase_record_phase_known",
                violation_error_message=_("Choose one of the four phases."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="phase_record_hours_not_negative",
                violation_error_message=_("The number of hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(max_months__gte=1),
                name="phase_record_max_months_positive",
                violation_error_message=_("The maximum duration is at least one month."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="phase_record_end_not_before_start",
                violation_error_message=_(
                    "The end date of a phase cannot be before its start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__lte=AddMonths("start_date", "max_months"))
                | Q(over_maximum=True),
                name="phase_record_within_maximum_unless_exception",
                violation_error_message=_(
                    "The phase is longer than its maximum duration and no exception is recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(over_maximum=False)
                | (
                    ~Q(over_maximum_reason="")
                    & Q(over_maximum_approved_by__isnull=False)
                    & Q(over_maximum_approved_at__isnull=False)
                ),
                name="phase_record_exception_is_audited",
                violation_error_message=_(
                    "An exception to the maximum duration needs a reason, and who approved "
                    "it and when."
                ),
            ),
            # A fee only for an ended phase, and never without the schedule and index behind it.
            models.CheckConstraint(
                condition=Q(
                    fee_amount__isnull=True,
                    fee_schedule__isnull=True,
                    index_reference_month__isnull=True,
                    index_value__isnull=True,
                    index_base_value__isnull=True,
                )
                | Q(
                    end_date__isnull=False,
                    fee_amount__gte=0,
                    fee_schedule__isnull=False,
                    index_reference_month__isnull=False,
                    index_value__isnull=False,
                    index_base_value__isnull=False,
                ),
                name="phase_record_fee_complete",
                violation_error_message=_(
                    "A fee is fixed only for a completed phase, together with the fee "
                    "schedule and the health index it was computed with."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=Q(end_date__isnull=True),
                name="phase_record_running_deadline",
            ),
            models.Index(fields=["end_date"], name="phase_record_end_date"),
            # The admin's sorts on a column of the phases (see Trajectory's sort indexes).
            *(
                models.Index(fields=[column, "id"], name=f"phase_record_sort_{column}")
                for column in (
                    "phase",
                    "start_date",
                    "end_date",
                    "deadline",
                    "hours",
                    "fee_amount",
                    "over_maximum",
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} ({date_format(self.start_date, 'SHORT_DATE_FORMAT')})"

    @property
    def is_running(self) -> bool:
        return self.end_date is None

    @property
    def is_completed(self) -> bool:
        return self.fee_amount is not None
