from django.shortcuts import render
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from pilots.filters import PilotFilter
from pilots.models import Assignment, CareEngagement, Pilot, ReportedResult
from pilots.tables import PilotTable


class PilotListView(SingleTableMixin, FilterView):
    queryset = Pilot.objects.for_listing()
    filterset_class = PilotFilter
    table_class = PilotTable
    paginate_by = 50
    template_name = "pilots/pilot_list.html"


class PilotDetailView(DetailView):
    queryset = Pilot.objects.for_listing().with_participants()
    template_name = "pilots/pilot_detail.html"


def pilot_overview(request):
    """Sector x service provider, with what answer 2c reports next to it."""
    return render(
        request,
        "pilots/pilot_overview.html",
        {
            "rows": Pilot.objects.overview(),
            "results": ReportedResult.objects.for_listing(),
        },
    )


def care_follow_up(request):
    return render(
        request,
        "pilots/care_follow_up.html",
        {
            "assignment": Assignment.objects.care_follow_up().first(),
            "engagements": CareEngagement.objects.for_listing().filter(
                assignment__is_care_follow_up=True
            ),
        },
    )
