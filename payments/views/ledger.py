"""The ledger: per mandate and period, what is owed, claimed, approved, paid and outstanding."""

from __future__ import annotations

from django.db.models import Sum
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from doorstroom.access import InternalFiguresRequiredMixin
from payments.filters import FIGURES, LedgerFilter, ledger_rows
from payments.models import LedgerMonth
from payments.tables import LedgerTable


class LedgerView(InternalFiguresRequiredMixin, SingleTableMixin, FilterView):
    """Read from the running totals the database keeps (LedgerMonth): a few thousand rows
    whatever the number of trajectories. The downloads take the page's filters."""

    filterset_class = LedgerFilter
    table_class = LedgerTable
    table_pagination = {"per_page": 50}
    template_name = "payments/ledger.html"

    def get_queryset(self):
        return LedgerMonth.objects.visible_to(self.request.user)

    @property
    def per(self) -> str:
        form = self.filterset.form
        return (form.cleaned_data.get("per") if form.is_valid() else None) or "month"

    def get_table_data(self):
        return ledger_rows(self.object_list, self.per)

    def get_table_kwargs(self):
        return {"per": self.per}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = self.object_list.aggregate(**{figure: Sum(figure) for figure in FIGURES})
        if totals["owed"] is not None:
            totals["outstanding"] = totals["owed"] - totals["paid"]
        context["totals"] = totals
        return context
