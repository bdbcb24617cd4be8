"""A worker's trajectory with a mandated provider, through the four phases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pgtrigger
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate, Organisation
from trajectories.models.common import Phase
from trajectories.models.figures import trajectory_triggers as figures_triggers
from trajectories.models.summaries import trajectory_summary_triggers
from trajectories.models.workers import Worker


class TrajectoryStatus(models.TextChoices):
    RUNNING = "lopend", _("running")
    COMPLETED = "afgerond", _("completed")
    STOPPED = "stopgezet", _("stopped")


class JobOutcome(models.TextChoices):
    REGULAR_JOB = "ja", _("regular job")
    NO_JOB = "nee", _("no regular job")
    UNKNOWN = "onbekend", _("unknown")


DECIMAL = models.DecimalField()
BOOLEAN = models.BooleanField()


def _columns(expression):
    """The columns an expression reads, through conditions (WhereNode) too."""
    if isinstance(expression, Col):
        yield expression
        return
    children = getattr(expression, "children", None)
    if children is None:
        get_sources = getattr(expression, "get_source_expressions", None)
        children = get_sources() if get_sources else ()
    for child in children:
        if child is not None:
            yield from _columns(child)


class TrajectoryQuerySet(models.QuerySet):
    def phase_model(self) -> type[models.Model]:
        """PhaseRecord, through the relation (its module imports this one)."""
        return self.model._meta.get_field("phases").related_model

    def visible_to(self, user) -> TrajectoryQuerySet:
        """The trajectories of the mandates this user may see (doorstroom.roles)."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        return self.filter(mandate__in=Mandate.objects.visible_to(user).values("pk"))

    def for_listing(self, today: dt.date | None = None) -> TrajectoryQuerySet:
        """What the listing, its export and the admin show: one query, whatever the size. The
        phases' figures are read from what the database keeps beside each trajectory
        (`TrajectoryFigures`, a row for every trajectory), joined as a relation that is always
        there: a sort on them is a walk of its index (see `listing_figures`).

        The listing's sorts on a related table's column (employer, call, mandate) read copies
        kept there too (`employer_name`, `call_number`, `project_number`), for the same reason.
        `running_deadline` is what "past maximum" sorts on (see TrajectoryTable.is_overdue): the
        trajectories past it together, and an index walk, which an order on `is_overdue` (it
        depends on today) would not be."""
        today = today or timezone.localdate()
        return (
            self.select_related("worker", "mandate__call", "origin_employer", "host_employer")
            .annotate(
                fees_total=F("listing_figures__fees_total"),
                hours_total=F("listing_figures__hours_total"),
                running_deadline=F("listing_figures__running_deadline"),
                # The sort keys of the employer, call and mandate columns (TrajectoryTable).
                employer_name=F("listing_figures__employer_name"),
                call_number=F("listing_figures__call_number"),
                project_number=F("listing_figures__project_number"),
                is_overdue=Coalesce(
                    ExpressionWrapper(
                        Q(listing_figures__running_deadline__lt=today), output_field=BOOLEAN
                    ),
                    Value(False),
                ),
            )
            .order_by("-start_date", "-pk")
        )

    def count(self) -> int:
        """As QuerySet.count(), but without the join of the figures where only annotations read
        them (the listing's): every trajectory has its one row of figures (`listing_figures`),
        so that join changes no count, yet PostgreSQL cannot leave an INNER JOIN out by itself
        as it does a LEFT JOIN on a unique key (a filtered listing's count took 20 times as long
        with it). Anything else that reads the figures (a filter on them) keeps the join."""
        if self._result_cache is not None:
            return len(self._result_cache)
        query = None
        if not (self.query.values_select or self.query.selected):
            query = self._figures_left_out(keep=set())
        if query is None:
            return super().count()
        query.clear_ordering(force=True)
        return query.get_count(using=self.db)

    def for_keys(self, names) -> TrajectoryQuerySet:
        """This queryset for reading a page's keys and the values it is sorted on (`names`,
        doorstroom.pagination): without the figures' join where nothing else reads them. Page
        1,000 typed skips 24,975 keys: with the join, as many probes of the figures (0.2 s at a
        million) for a sort on the start date that never reads them."""
        query = self._figures_left_out(keep=set(names))
        if query is None:
            return self
        clone = self._chain()
        clone.query = query
        return clone

    def _figures_left_out(self, keep: set[str]):
        """A copy of the query without the annotations that read the figures (but those named
        in `keep`) and so without their join; None where the join is still needed."""
        query = self.query.chain()
        relation = self.model._meta.get_field("listing_figures")
        aliases = [
            alias
            for alias, join in query.alias_map.items()
            if getattr(join, "join_field", None) is relation
        ]
        if not aliases or query.combinator:
            return None
        # A filter on them (by an annotation's name too, which counts no reference).
        if any(col.alias in aliases for col in _columns(query.where)):
            return None
        for alias in aliases:
            for name, annotation in list(query.annotations.items()):
                uses = sum(1 for col in _columns(annotation) if col.alias == alias)
                if uses and name not in keep:
                    del query.annotations[name]
                    query.unref_alias(alias, uses)
            if query.alias_refcount[alias] != 0:
                return None
        if query.annotation_select_mask is not None:
            query.set_annotation_mask(query.annotation_select_mask & set(query.annotations))
        return query

    def hours_per_mandate(self) -> list[dict]:
        """Hours per mandate; the average over completed trajectories is set against the norm.

        One grouped query over the trajectories and the figures kept beside them
        (`TrajectoryFigures`): the phases themselves are not read.
        """
        completed = Q(status=TrajectoryStatus.COMPLETED)
        rows = (
            self.order_by()
            .values(
                "mandate",
                project_number=F("mandate__project_number"),
                name=F("mandate__name"),
                promoter_as_written=F("mandate__promoter_as_written"),
            )
            .annotate(
                trajectory_count=Count("id"),
                completed_count=Count("id", filter=completed),
                hours_total=Coalesce(
                    Sum("figures__hours_total"), Value(Decimal("0")), output_field=DECIMAL
                ),
                # None where no completed trajectory has phases, as before every trajectory
                # had its row of figures.
                completed_hours=Sum(
                    "figures__hours_total", filter=completed & Q(figures__with_phases=True)
                ),
            )
            .order_by("mandate__project_number")
        )
        result = []
        for row in rows:
            count, hours = row["completed_count"], row["completed_hours"]
            row["hours_per_completed"] = hours / count if count and hours is not None else None
            result.append(row)
        return result

    def in_phase(self, phase: int) -> TrajectoryQuerySet:
        """Trajectories whose latest phase is this one."""
        return self.filter(current_phase=phase)


# The figures are not the trajectory's: no copy of the relation in its history.
@audited(exclude=["listing_figures"])
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    version = version_field()

    # The figures the database keeps beside the trajectory (`TrajectoryFigures`), as a relation
    # that always exists: the listing joins them with an INNER JOIN, which lets PostgreSQL read
    # a page sorted on them along that table's indexes (a LEFT JOIN would sort every row). No
    # column: the join is on the key.
    listing_figures = models.ForeignObject(
        "trajectories.TrajectoryFigures",
        from_fields=["id"],
        to_fields=["trajectory"],
        on_delete=models.DO_NOTHING,
        related_name="+",
        editable=False,
        serialize=False,
    )

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
            *trajectory_summary_triggers(),
            *figures_triggers(),
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
                condition=Q(status__in=TrajectoryStatus.values),
                name="trajectory_status_known",
                violation_error_message=_(
                    "Choose a status from the list: running, completed or stopped."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=TrajectoryStatus.RUNNING, end_date__isnull=True)
                | (~Q(status=TrajectoryStatus.RUNNING) & Q(end_date__isnull=False)),
                name="trajectory_end_date_iff_ended",
                violation_error_message=_(
                    "A running trajectory has no end date; a stopped or completed one has "
                    "one. Change the status and the end date together."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="trajectory_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
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
            # A sort on a column of the listing or the admin: its first page (and any page
            # from its position) is read here forwards or backwards, the key deciding ties in
            # the column's direction (doorstroom.pagination, KeyedChangeList), instead of
            # sorting every row (the listing on status: 42 ms at 10,000, 581 ms at a million).
            *(
                models.Index(fields=[column, "id"], name=f"trajectory_sort_{column}")
                for column in ("status", "current_phase", "end_date", "outcome", "is_demo")
            ),
            # By employer: its trajectories in key order, employer by employer.
            models.Index(fields=["origin_employer", "id"], name="trajectory_sort_employer"),
        ]

    def __str__(self) -> str:
        start = date_format(self.start_date, "SHORT_DATE_FORMAT")
        return f"{self.worker.reference} · {self.mandate.project_number} ({start})"

    def get_absolute_url(self) -> str:
        return reverse("trajectories:detail", args=[self.pk])
