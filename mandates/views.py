from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from doorstroom.exports import get_export
from doorstroom.hooks import MANDATE_PAGE_SECTIONS
from doorstroom.roles import may_see_personal_data
from mandates.filters import MandateFilter
from mandates.models import ConsortiumPartner, Mandate
from mandates.tables import MandateTable


class MandateListView(SingleTableMixin, FilterView):
    queryset = Mandate.objects.for_listing()
    filterset_class = MandateFilter
    table_class = MandateTable
    paginate_by = 25
    template_name = "mandates/mandate_list.html"

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted over the same filters, on the bare table (the listing's annotations would
        # otherwise take part in the grouping).
        visible = Mandate.objects.visible_to(self.request.user)
        if not self.filterset.is_bound:
            filtered = visible
        elif self.filterset.is_valid():
            filtered = self.filterset.filter_queryset(visible)
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

    def get_queryset(self):
        # Out of scope is "not found": the page does not even confirm the mandate exists.
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The trajectory listing names workers (by reference): only for roles that may see them.
        context["may_see_trajectories"] = may_see_personal_data(self.request.user)
        # The fees owed are an internal document, not for the analyst (its export decides).
        statement = get_export("provider-statement")
        context["may_download_statement"] = statement.may_be_downloaded_by(self.request.user)
        # What other apps show about the mandate (its budget and payments), without importing
        # them (doorstroom.hooks).
        context["sections"] = MANDATE_PAGE_SECTIONS.ask(request=self.request, mandate=self.object)
        return context

    queryset = Mandate.objects.for_listing().prefetch_related(
        Prefetch(
            "partnerships",
            queryset=ConsortiumPartner.objects.select_related("organisation").order_by(
                "organisation__name"
            ),
        )
    )
