from django.db.models import Prefetch
from django.utils import timezone
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from doorstroom.pagination import EstimatedCountPaginator
from trajectories.filters import DeadlineFilter, HoursFilter, TrajectoryFilter
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    NEAR_DEADLINE_DAYS,
    NORM_HOURS_PER_TRAJECTORY,
    FeeSchedule,
    HealthIndexMonth,
    Phase,
    PhaseRecord,
    Trajectory,
)
from trajectories.tables import DeadlineTable, HoursTable, TrajectoryTable


class TrajectoryListView(SingleTableMixin, FilterView):
    filterset_class = TrajectoryFilter
    table_class = TrajectoryTable
    # The table paginates; the view's own paginate_by would count all rows a second time.
    table_pagination = {"per_page": 25, "paginator_class": EstimatedCountPaginator}
    template_name = "trajectories/trajectory_list.html"

    def get_queryset(self):
        # "Overdue" depends on today, so the queryset is built per request.
        return Trajectory.objects.for_listing(timezone.localdate())


class TrajectoryDetailView(DetailView):
    template_name = "trajectories/trajectory_detail.html"
    queryset = Trajectory.objects.select_related(
        "worker", "mandate__call", "mandate__promoter", "origin_employer", "host_employer"
    ).prefetch_related(
        Prefetch(
            "phases",
            queryset=PhaseRecord.objects.select_related(
                "fee_schedule", "over_maximum_approved_by"
            ).order_by("phase"),
        )
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        phases = list(self.object.phases.all())
        done = {record.phase for record in phases}
        context["phases"] = phases
        context["phases_to_come"] = [phase for phase in Phase if phase not in done]
        context["today"] = timezone.localdate()
        context["fees_total"] = sum(r.fee_amount for r in phases if r.fee_amount is not None)
        context["hours_total"] = sum(r.hours for r in phases)
        context["norm_hours"] = NORM_HOURS_PER_TRAJECTORY
        return context


class DeadlineListView(SingleTableMixin, FilterView):
    """Running phases near (within two weeks) or past their maximum duration."""

    filterset_class = DeadlineFilter
    table_class = DeadlineTable
    table_pagination = {"per_page": 50, "paginator_class": EstimatedCountPaginator}
    template_name = "trajectories/deadline_list.html"

    def get_queryset(self):
        return PhaseRecord.objects.near_or_past_deadline(timezone.localdate()).for_deadlines()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["near_days"] = NEAR_DEADLINE_DAYS
        return context


class HoursView(SingleTableMixin, FilterView):
    filterset_class = HoursFilter
    table_class = HoursTable
    table_pagination = {"per_page": 50}
    template_name = "trajectories/hours.html"

    def get_queryset(self):
        return Trajectory.objects.all()

    def get_table_data(self):
        return self.object_list.hours_per_mandate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["norm_hours"] = NORM_HOURS_PER_TRAJECTORY
        return context


class HealthIndexView(TemplateView):
    """The index months with their smoothed value and whether two sources confirm them."""

    template_name = "trajectories/health_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = list(HealthIndexMonth.objects.order_by("-month"))
        index = HealthIndex({m.month: m.value for m in months})
        for month in months:
            try:
                month.smoothed = index.smoothed(month.month)
            except MissingIndexError:
                month.smoothed = None
        context["months"] = months
        context["schedules"] = FeeSchedule.objects.prefetch_related("phases").order_by(
            "-valid_from"
        )
        return context
