"""Target-group workers, their four-phase trajectories, the fee schedules and the health index.

The rules that span rows (phase order, a phase starting after the previous one ended) are also
enforced by a trigger installed in migration 0002, so no path around the services can break them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Right, Substr, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn as be_nn

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate, Organisation

NORM_HOURS_PER_TRAJECTORY = 140
# A running phase counts as "near its maximum" this many days before its deadline.
NEAR_DEADLINE_DAYS = 14


class Phase(models.IntegerChoices):
    """The four consecutive phases of answer 1c, in their order."""

    VOORTRAJECT = 1, _("Pre-trajectory")
    JOB_MATCHING = 2, _("Job matching")
    STAGE = 3, _("Internship")
    NAZORG = 4, _("After-care")


class IndexKind(models.TextChoices):
    PLAIN = "plain", _("health index of the month")
    SMOOTHED = "smoothed", _("smoothed health index (average of the last four months)")


class ReferenceMonthRule(models.TextChoices):
    JANUARY_OF_COMPLETION_YEAR = "january", _("January of the year of completion")
    COMPLETION_MONTH = "month", _("month of completion")


class Rounding(models.TextChoices):
    HALF_UP = "ROUND_HALF_UP", _("to the nearest cent, half up")
    HALF_EVEN = "ROUND_HALF_EVEN", _("to the nearest cent, half to even")


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
            ),
            models.CheckConstraint(condition=Q(cap_amount__gt=0), name="fee_schedule_cap_positive"),
            models.CheckConstraint(
                condition=first_of_month("index_base_month"),
                name="fee_schedule_index_base_month_first_day",
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
                condition=Q(phase__gte=1, phase__lte=4), name="fee_schedule_phase_known"
            ),
            models.CheckConstraint(
                condition=Q(base_amount__gte=0), name="fee_schedule_phase_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_months__gte=1), name="fee_schedule_phase_max_months_positive"
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
                condition=first_of_month("month"), name="health_index_month_first_day"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="health_index_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.value}"


def validate_insz(value: str) -> None:
    if not be_nn.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid national number (INSZ): it has 11 digits and its "
                "last two are 97 minus the first nine modulo 97."
            ),
            params={"value": value},
            code="invalid_insz",
        )


def _insz_check_digits_match(century_prefix: int) -> Exact:
    first_nine = Cast(Substr("insz", 1, 9), models.BigIntegerField())
    return Exact(
        Cast(Right("insz", 2), models.IntegerField()),
        97 - (first_nine + century_prefix) % 97,
    )


class NextWorkerReference(models.Func):
    """The next pseudonymous reference, DW-000001 on, from a sequence made in migration 0001.

    At least six digits, more when needed: LPAD alone would cut DW-1000000 to six characters,
    so the number is padded to twelve and up to six leading zeros are dropped again.
    """

    template = (
        "('DW-' || regexp_replace("
        "LPAD(nextval('trajectories_worker_reference_seq')::text, 12, '0'), '^0{1,6}', ''))"
    )
    output_field = models.CharField()


class WorkerQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkerQuerySet:
        """Workers with a trajectory this user may see (everyone, for the wider roles)."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        trajectories = Trajectory.objects.visible_to(user)
        return self.filter(pk__in=trajectories.values("worker_id"))


# Name and INSZ never enter the audit trail: erasing them (GDPR) must leave no copy behind. A
# change of them is recorded by name only.
@audited(named_only=["first_name", "last_name", "insz"])
class Worker(models.Model):
    """A target-group worker. Everywhere but the administration, only the reference shows."""

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, db_default=NextWorkerReference(), editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    insz = models.CharField(
        _("national number (INSZ)"),
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_insz],
        help_text=_("Eleven digits; dots and dashes are removed."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, db_index=True)
    erased_at = models.DateTimeField(
        _("personal data erased on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Name and national number were erased on request (GDPR)."),
    )

    objects = WorkerQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("target-group worker")
        verbose_name_plural = _("target-group workers")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^DW-[0-9]{6,}$"), name="worker_reference_format"
            ),
            # Born before 2000 the check digits cover the nine digits; from 2000 on they
            # cover "2" followed by them.
            models.CheckConstraint(
                condition=Q(insz__isnull=True)
                | (
                    Q(insz__regex=r"^[0-9]{11}$")
                    & (_insz_check_digits_match(0) | _insz_check_digits_match(2_000_000_000))
                ),
                name="worker_insz_valid",
            ),
        ]
        indexes = [
            # The listing's search (reference__icontains: UPPER(reference) LIKE '%...%').
            GinIndex(
                OpClass(Upper("reference"), name="gin_trgm_ops"), name="worker_reference_trgm"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self.insz:
            self.insz = be_nn.compact(self.insz)


class TrajectoryStatus(models.TextChoices):
    RUNNING = "lopend", _("running")
    COMPLETED = "afgerond", _("completed")
    STOPPED = "stopgezet", _("stopped")


class JobOutcome(models.TextChoices):
    REGULAR_JOB = "ja", _("regular job")
    NO_JOB = "nee", _("no regular job")
    UNKNOWN = "onbekend", _("unknown")


class TrajectoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> TrajectoryQuerySet:
        """The trajectories of the mandates this user may see (doorstroom.roles)."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        return self.filter(mandate__in=Mandate.objects.visible_to(user).values("pk"))

    def for_listing(self, today: dt.date | None = None) -> TrajectoryQuerySet:
        """What the listing, its export and the admin show: one query, whatever the size."""
        phases = PhaseRecord.objects.filter(trajectory=OuterRef("pk"))
        totals = phases.order_by().values("trajectory")
        return (
            self.select_related("worker", "mandate__call", "origin_employer", "host_employer")
            .annotate(
                fees_total=Subquery(totals.annotate(s=Sum("fee_amount")).values("s")),
                hours_total=Coalesce(
                    Subquery(totals.annotate(s=Sum("hours")).values("s")),
                    0,
                    output_field=models.DecimalField(),
                ),
                # A scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS in the SELECT
                # list into a hash of every overdue phase in the table (0.4 s at a million
                # trajectories) even for a page of 100 rows; a scalar subquery stays per row.
                is_overdue=Coalesce(
                    Subquery(phases.overdue(today).values(flag=Value(True))[:1]),
                    Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("-start_date", "-pk")
        )

    def hours_per_mandate(self) -> list[dict]:
        """Hours per mandate; the average over completed trajectories is set against the norm.

        Two grouped queries (trajectories, then phase hours) instead of one with COUNT(DISTINCT):
        on a million trajectories that is the difference between seconds and a long wait.
        """
        completed = Q(status=TrajectoryStatus.COMPLETED)
        rows = {
            row["mandate"]: row
            for row in self.order_by()
            .values(
                "mandate",
                project_number=F("mandate__project_number"),
                name=F("mandate__name"),
                promoter_as_written=F("mandate__promoter_as_written"),
            )
            .annotate(
                trajectory_count=Count("id"),
                completed_count=Count("id", filter=completed),
            )
        }
        hours = (
            PhaseRecord.objects.filter(trajectory__in=self.values("pk"))
            .order_by()
            .values("trajectory__mandate")
            .annotate(
                hours_total=Sum("hours"),
                completed_hours=Sum(
                    "hours", filter=Q(trajectory__status=TrajectoryStatus.COMPLETED)
                ),
            )
        )
        for row in rows.values():
            row.update(hours_total=Decimal("0"), completed_hours=None, hours_per_completed=None)
        for row in hours:
            rows[row["trajectory__mandate"]].update(
                hours_total=row["hours_total"], completed_hours=row["completed_hours"]
            )
        for row in rows.values():
            if row["completed_count"]:
                row["hours_per_completed"] = row["completed_hours"] / row["completed_count"]
        return sorted(rows.values(), key=lambda row: row["project_number"])

    def in_phase(self, phase: int) -> TrajectoryQuerySet:
        """Trajectories whose latest phase is this one."""
        return self.filter(current_phase=phase)


@audited()
class Trajectory(models.Model):
    """One worker's guidance by a mandated provider through the four phases."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="trajectories"
    )
    mandate = models.ForeignKey(
        Mandate,
        verbose_name=_("mandate"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    origin_employer = models.ForeignKey(
        Organisation,
        verbose_name=_("social-economy employer"),
        on_delete=models.PROTECT,
        related_name="trajectories_from",
    )
    host_employer = models.ForeignKey(
        Organisation,
        verbose_name=_("host employer (internship)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trajectories_hosted",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrajectoryStatus.choices,
        default=TrajectoryStatus.RUNNING,
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=JobOutcome.choices, default=JobOutcome.UNKNOWN
    )
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    version = version_field()

    # The latest phase reached, derived from the phases by the database itself (the triggers
    # `current_phase_derive` here and `current_phase_sync` on PhaseRecord), whatever writes
    # them: a filter or count by phase is then one index scan instead of probing the phases of
    # every trajectory (a filtered count took 0.2 s at a million trajectories).
    current_phase = models.PositiveSmallIntegerField(
        _("current phase"), choices=Phase.choices, null=True, blank=True, editable=False
    )

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        triggers = [
            version_bump_trigger(),
            pgtrigger.Trigger(
                name="current_phase_derive",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=(
                    "NEW.current_phase := (SELECT max(phase) FROM trajectories_phaserecord "
                    "WHERE trajectory_id = NEW.id); RETURN NEW;"
                ),
            ),
        ]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status=TrajectoryStatus.RUNNING),
                name="trajectory_one_running_per_worker",
                violation_error_message=_("This worker already has a running trajectory."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TrajectoryStatus.values), name="trajectory_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=TrajectoryStatus.RUNNING, end_date__isnull=True)
                | (~Q(status=TrajectoryStatus.RUNNING) & Q(end_date__isnull=False)),
                name="trajectory_end_date_iff_ended",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="trajectory_end_not_before_start",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"]),
            # The listing's default order, so its first page needs no sort of every row.
            models.Index(fields=["start_date", "id"], name="trajectory_start_date_id"),
            # The listing filtered by phase (with or without call, mandate, province): its count
            # and its page read the matching keys here, e.g. WHERE current_phase = 2 AND
            # mandate_id IN (...).
            models.Index(fields=["current_phase", "mandate"], name="trajectory_phase_mandate"),
            # Its page in the listing's order: the newest trajectories in that phase first,
            # checked against the other filters one by one (ORDER BY start_date DESC, id DESC
            # LIMIT 25 WHERE current_phase = 2 AND ...), instead of walking every phase.
            models.Index(
                fields=["current_phase", "start_date", "id"], name="trajectory_phase_start_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker.reference} · {self.mandate.project_number} ({self.start_date})"

    def get_absolute_url(self) -> str:
        return reverse("trajectories:detail", args=[self.pk])


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

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="phases")
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
                condition=Q(phase__gte=1, phase__lte=4), name="phase_record_phase_known"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="phase_record_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_months__gte=1), name="phase_record_max_months_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="phase_record_end_not_before_start",
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
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=Q(end_date__isnull=True),
                name="phase_record_running_deadline",
            ),
            models.Index(fields=["end_date"], name="phase_record_end_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} ({self.start_date})"

    @property
    def is_running(self) -> bool:
        return self.end_date is None

    @property
    def is_completed(self) -> bool:
        return self.fee_amount is not None


class ImportStatus(models.TextChoices):
    CHECKED = "gecontroleerd", _("checked, not applied")
    REJECTED = "afgekeurd", _("rejected: errors")
    APPLIED = "toegepast", _("applied")


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportBatchQuerySet:
        """Staff who see everything see every import; everyone else only their own."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)

    def for_listing(self) -> ImportBatchQuerySet:
        return self.select_related("created_by").defer("content", "report")


class ImportBatch(models.Model):
    """One uploaded file of phase progress: who sent it, what it holds, what it did.

    The file itself is kept (a few MB at most) so the preview that was shown is exactly what is
    applied; its checksum tells when the same file comes twice.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=40, blank=True)
    content = models.BinaryField(_("file"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("left alone"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report per row"), default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_batch_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.APPLIED, applied_at__isnull=False, error_count=0)
                | (~Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="import_batch_applied_iff_applied_at_without_errors",
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"), name="import_batch_checksum_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("trajectories:import-detail", args=[self.pk])
