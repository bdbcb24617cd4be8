import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure.periods import FROM_HELP, TO_HELP, check_whole_months
from doorstroom.filters import DateFilter, TypedChoiceFilter, YesNoFilter
from mandates.filters import call_filter, mandate_filter, province_filter
from mandates.models import Mandate
from trajectories.models import Phase, PhaseRecord, Trajectory, TrajectoryStatus


class ScopedChoicesMixin:
    """Offer only the mandates the user may see (a provider does not learn the others' names)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and "mandate" in self.filters:
            self.filters["mandate"].queryset = Mandate.objects.visible_to(user)


class TrajectoryFilter(ScopedChoicesMixin, django_filters.FilterSet):
    """Filters of the Trajecten page, also used by the `trajectories` export."""

    q = django_filters.CharFilter(
        label=_("Worker reference"),
        method="filter_reference",
        help_text=_("The reference or part of it, e.g. 001234."),
    )

    call = call_filter("mandate__call")
    mandate = mandate_filter()
    province = province_filter("mandate__provinces")
    phase = TypedChoiceFilter(
        label=_("Current phase"),
        choices=Phase.choices,
        coerce=int,
        method="filter_phase",
        help_text=_("The latest phase reached."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=TrajectoryStatus.choices,
        help_text=_("Running, completed or stopped."),
    )
    overdue = YesNoFilter(
        label=_("Past a maximum duration"),
        method="filter_overdue",
        help_text=_("Yes: a running phase is past its maximum duration."),
    )
    started_from = DateFilter(label=_("Started from"), field_name="start_date", lookup_expr="gte")
    started_to = DateFilter(label=_("Started until"), field_name="start_date", lookup_expr="lte")
    ended_from = DateFilter(label=_("Completed from"), method="filter_completed_from")
    ended_to = DateFilter(label=_("Completed until"), method="filter_completed_to")

    class Meta:
        model = Trajectory
        fields = [
            "q",
            "call",
            "mandate",
            "province",
            "phase",
            "status",
            "overdue",
            "started_from",
            "started_to",
            "ended_from",
            "ended_to",
        ]

    def filter_reference(self, queryset, name, value):
        # UPPER(reference) LIKE '%...%': served by the trigram index worker_reference_trgm.
        return queryset.filter(worker__reference__icontains=value.strip())

    def filter_phase(self, queryset, name, value):
        return queryset.in_phase(value)

    def filter_overdue(self, queryset, name, value):
        phases = PhaseRecord.objects.filter(trajectory=OuterRef("pk"))
        overdue = Exists(phases.overdue(timezone.localdate()))
        return queryset.filter(overdue if value else ~overdue)

    def filter_completed_from(self, queryset, name, value):
        return queryset.filter(status=TrajectoryStatus.COMPLETED, end_date__gte=value)

    def filter_completed_to(self, queryset, name, value):
        return queryset.filter(status=TrajectoryStatus.COMPLETED, end_date__lte=value)


class DeadlineFilter(ScopedChoicesMixin, django_filters.FilterSet):
    """Filters of the page of running phases near or past their maximum duration."""

    call = call_filter("trajectory__mandate__call")
    province = province_filter("trajectory__mandate__provinces")
    mandate = mandate_filter("trajectory__mandate")
    phase = TypedChoiceFilter(label=_("Phase"), choices=Phase.choices, coerce=int)
    only_overdue = django_filters.BooleanFilter(
        label=_("Only past the maximum"), method="filter_only_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = PhaseRecord
        fields = ["call", "province", "mandate", "phase", "only_overdue"]

    def filter_only_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset


class HoursFilterForm(forms.Form):
    """The hours page counts trajectories for analysts: whole months, as every published figure."""

    def clean(self) -> dict:
        cleaned = super().clean()
        check_whole_months(cleaned, start="started_from", end="started_to")
        return cleaned


class HoursFilter(ScopedChoicesMixin, django_filters.FilterSet):
    call = call_filter("mandate__call")
    mandate = mandate_filter()
    started_from = DateFilter(
        label=_("Trajectories started from"),
        field_name="start_date",
        lookup_expr="gte",
        help_text=FROM_HELP,
    )
    started_to = DateFilter(
        label=_("Trajectories started until"),
        field_name="start_date",
        lookup_expr="lte",
        help_text=TO_HELP,
    )

    class Meta:
        model = Trajectory
        fields = ["call", "mandate", "started_from", "started_to"]
        form = HoursFilterForm
