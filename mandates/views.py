from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from mandates.filters import MandateFilter
from mandates.models import ConsortiumPartner, Mandate
from mandates.tables import MandateTable


class MandateListView(SingleTableMixin, FilterView):
    queryset = Mandate.objects.for_listing()
    filterset_class = MandateFilter
    table_class = MandateTable
    paginate_by = 25
    template_name = "mandates/mandate_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted over the same filters, on the bare table (the listing's annotations would
        # otherwise take part in the grouping).
        if not self.filterset.is_bound:
            filtered = Mandate.objects.all()
        elif self.filterset.is_valid():
            filtered = self.filterset.filter_queryset(Mandate.objects.all())
        else:
            filtered = Mandate.objects.none()
        context["counts_per_call"] = filtered.counts_per_call()
        context["counts_per_province"] = filtered.counts_per_province()
        context["total"] = sum(row["count"] for row in context["counts_per_call"])
        return context


class MandateDetailView(DetailView):
    slug_field = "project_number"
    slug_url_kwarg = "project_number"
    template_name = "mandates/mandate_detail.html"
    queryset = Mandate.objects.for_listing().prefetch_related(
        Prefetch(
            "partnerships",
            queryset=ConsortiumPartner.objects.select_related("organisation").order_by(
                "organisation__name"
            ),
        )
    )
