import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from doorstroom.formatting import format_amount, format_count, format_number, format_short_date
from doorstroom.rendering.table_rows import PLAIN_ROWS_TEMPLATE, PlainRowsMixin, choice_labels
from trajectories.models import (
    NORM_HOURS_PER_TRAJECTORY,
    Phase,
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
)


def _against_the_norm() -> str:
    return gettext("Against the norm of %(hours)s h") % {"hours": NORM_HOURS_PER_TRAJECTORY}


# The "past maximum" cell as BooleanColumn(yesno="⚠,") renders it.
OVERDUE_FLAG = SafeString('<span class="true">⚠</span>')
NOT_OVERDUE_FLAG = SafeString('<span class="false"></span>')


class TrajectoryTable(PlainRowsMixin, tables.Table):
    reference = tables.Column(
        verbose_name=_("Worker"),
        accessor="worker__reference",
        linkify=True,
        order_by="worker__reference",
    )
    # Sorted by call, then by mandate within it. The call, mandate and employer columns show and
    # sort on the copies of the call's number, the mandate's project number and the employer's
    # name the database keeps with each trajectory's figures, in the same transaction as a change
    # of them (see Trajectory.objects.for_listing): a page is then a walk of an index of that
    # table, where a sort on the joined tables' columns read (and sorted by key) every
    # trajectory of the first mandate or employer, and its rows join two tables, not five.
    call = tables.Column(
        verbose_name=_("Call"), accessor="call_number", order_by=("call_number", "project_number")
    )
    mandate = tables.Column(
        verbose_name=_("Mandate"),
        accessor="project_number",
        linkify=lambda record: reverse("mandates:detail", args=[record.project_number]),
        order_by=("project_number",),
    )
    origin_employer = tables.Column(
        verbose_name=_("Social-economy employer"),
        accessor="employer_name",
        order_by=("employer_name",),
    )
    start_date = tables.DateColumn(verbose_name=_("Start"))
    current_phase = tables.Column(verbose_name=_("Phase"))
    status = tables.Column(verbose_name=_("Status"))
    # Sorted by the running phase's deadline, not by the flag (it depends on today, so no index
    # holds it): ascending "no" first, the latest deadlines and the trajectories without a
    # running phase, then those past it; descending the earliest deadlines first, those past it.
    # Either way the trajectories past their maximum are together, and the page is a walk of
    # the figures' index (figures_running_deadline) instead of a sort of every trajectory.
    is_overdue = tables.BooleanColumn(
        verbose_name=_("Past maximum"), yesno="⚠,", order_by=("-running_deadline",)
    )
    hours_total = tables.Column(
        verbose_name=_("Hours"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    fees_total = tables.Column(
        verbose_name=_("Fees"),
        default="—",
        attrs={"td": {"class": "num nowrap"}, "th": {"class": "num"}},
    )

    class Meta:
        model = Trajectory
        fields = ()
        sequence = (
            "reference",
            "call",
            "mandate",
            "origin_employer",
            "start_date",
            "current_phase",
            "status",
            "is_overdue",
            "hours_total",
            "fees_total",
        )
        empty_text = _("No trajectories match these filters.")
        attrs = {"class": "table"}
        template_name = PLAIN_ROWS_TEMPLATE

    # The fields the rows show: all a page loads (see loading_only_what_it_shows).
    SHOWN_FIELDS = (
        "start_date",
        "current_phase",
        "status",
        "worker__reference",
    )

    @classmethod
    def loading_only_what_it_shows(cls, queryset):
        """The listing's queryset narrowed to the fields the rows show, all a page loads: the
        worker's name and INSZ stay in the database (the listing shows only the pseudonymous
        reference), and so do time stamps and the host employer. The relations it follows are
        those of the shown fields."""
        related = {path.rpartition("__")[0] for path in cls.SHOWN_FIELDS if "__" in path}
        return (
            queryset.select_related(None).select_related(*sorted(related)).only(*cls.SHOWN_FIELDS)
        )

    def render_reference(self, record):
        return record.worker.reference

    def cells(self, record):
        """The rows of `render_table` without its per-cell machinery (see PlainRowsMixin)."""
        fees = record.fees_total
        phase = record.current_phase
        detail, mandate = self.link("trajectories:detail"), self.link("mandates:detail")
        # The labels as get_FOO_display gives them, without its dict of the choices per call.
        phases, statuses = choice_labels(Phase), choice_labels(TrajectoryStatus)
        return (
            SafeString(f'<a href="{detail(record.pk)}">{escape(record.worker.reference)}</a>'),
            record.call_number,
            SafeString(f'<a href="{mandate(record.project_number)}">{record.project_number:d}</a>'),
            record.employer_name,
            format_short_date(record.start_date),
            None if phase is None else phases[phase],
            statuses[record.status],
            OVERDUE_FLAG if record.is_overdue else NOT_OVERDUE_FLAG,
            format_number(record.hours_total, 1),
            None if fees is None else format_amount(fees),
        )

    def render_hours_total(self, value):
        return format_number(value, 1)

    def render_fees_total(self, value):
        return format_amount(value)


class DeadlineTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Worker"),
        accessor="trajectory__worker__reference",
        linkify=lambda record: record.trajectory.get_absolute_url(),
        orderable=False,
    )
    # Sorted on the copies kept with each trajectory's figures (as the listing's mandate column),
    # the ties by trajectory: a trajectory has one running phase at most, so a page is a walk of
    # the figures' index, not a sort of every running phase.
    mandate = tables.Column(
        verbose_name=_("Mandate"),
        accessor="trajectory__mandate__project_number",
        order_by=("trajectory__listing_figures__project_number", "trajectory_id"),
    )
    promoter = tables.Column(
        verbose_name=_("Promoter"),
        accessor="trajectory__mandate__promoter_as_written",
        order_by=("trajectory__listing_figures__promoter_name", "trajectory_id"),
    )
    phase = tables.Column(verbose_name=_("Phase"))
    start_date = tables.DateColumn(verbose_name=_("Start"))
    deadline = tables.DateColumn(verbose_name=_("Deadline"))
    days_left = tables.Column(
        verbose_name=_("Days left or past"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "num"}},
    )

    class Meta:
        model = PhaseRecord
        fields = ()
        sequence = ("reference", "mandate", "promoter", "phase", "start_date", "deadline")
        empty_text = _("No running phase is near or past its maximum duration.")
        attrs = {"class": "table"}

    def render_days_left(self, record):
        days = (record.deadline - timezone.localdate()).days
        if days < 0:
            return ngettext("%(days)s day past", "%(days)s days past", -days) % {"days": -days}
        return days


class HoursTable(tables.Table):
    """Hours per mandate against the norm of 140 hours per trajectory on average."""

    project_number = tables.Column(verbose_name=_("Project no."))
    name = tables.Column(verbose_name=_("Project name"))
    promoter_as_written = tables.Column(verbose_name=_("Promoter"))
    # Sorted by what is shown: a hidden figure ("<5", "x") sorts first, never by its value.
    trajectory_count = tables.Column(
        verbose_name=_("Trajectories"),
        attrs={"td": {"class": "num"}},
        order_by="order__trajectory_count",
    )
    completed_count = tables.Column(
        verbose_name=_("Completed"),
        attrs={"td": {"class": "num"}},
        order_by="order__completed_count",
    )
    hours_total = tables.Column(
        verbose_name=_("Hours"), attrs={"td": {"class": "num"}}, order_by="order__hours_total"
    )
    hours_per_completed = tables.Column(
        verbose_name=_("Hours per completed trajectory"),
        default=_("unknown"),
        attrs={"td": {"class": "num"}},
        order_by="order__hours_per_completed",
    )
    difference = tables.Column(
        # Translated when the page is shown: `%` on a lazy string would fix the language at import.
        verbose_name=lazy(_against_the_norm, str)(),
        accessor="hours_per_completed",
        default=_("unknown"),
        attrs={"td": {"class": "num"}},
        orderable=False,
    )

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No trajectories yet.")

    # A disclosure mark ("<5", "x") passes through the number cells as it is.
    def render_hours_total(self, value):
        return format_count(value, 1)

    def render_hours_per_completed(self, value):
        return format_count(value, 1)

    def render_difference(self, value):
        if isinstance(value, str):
            return value
        diff = value - NORM_HOURS_PER_TRAJECTORY
        return f"{'+' if diff > 0 else ''}{format_number(diff, 1)}"
