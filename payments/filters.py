"""Filters of the claims and the ledger, also used by their exports."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from doorstroom.forms import BelgianDateField
from mandates.filters import call_filter, mandate_filter, province_filter
from mandates.models import Mandate
from payments.models import Claim, LedgerMonth
from payments.states import PAYABLE, ClaimStatus


class DayFilter(django_filters.DateFilter):
    field_class = BelgianDateField


class ScopedMandateFilterSet(django_filters.FilterSet):
    """A mandate select offering only the mandates the user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["mandate"].queryset = Mandate.objects.visible_to(user)


# The step a claim waits for, and who takes it (doorstroom.roles): VDAB or the province checks
# a submitted claim, finance decides on a checked one and records the payment of an approved one.
WAITING_FOR = {
    "check": Q(status=ClaimStatus.SUBMITTED)
    | Q(status=ClaimStatus.IN_REVIEW, checked_at__isnull=True),
    "decision": Q(status=ClaimStatus.IN_REVIEW, checked_at__isnull=False),
    "payment": Q(status__in=PAYABLE),
}
WAITING_CHOICES = [
    ("check", _("a check")),
    ("decision", _("approval")),
    ("payment", _("payment")),
]


class ClaimFilter(ScopedMandateFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClaimStatus.choices)
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting for"),
        choices=WAITING_CHOICES,
        method="filter_waiting",
        help_text=_("check, decision or payment: the next step of the claim."),
    )
    mandate = mandate_filter()
    call = call_filter("mandate__call")

    class Meta:
        model = Claim
        fields = ["status", "waiting", "mandate", "call"]

    def filter_waiting(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(WAITING_FOR[value])


PER_CHOICES = [
    ("month", _("month")),
    ("quarter", _("quarter")),
    ("year", _("year")),
    ("period", _("the whole period")),
]


class LedgerFilter(ScopedMandateFilterSet):
    """Which mandates and months; `per` groups the months (by quarter, year or not at all)."""

    call = call_filter("mandate__call")
    province = province_filter("mandate__provinces")
    mandate = mandate_filter()
    date_from = DayFilter(
        label=_("Completed from"),
        field_name="month",
        lookup_expr="gte",
        help_text=_("Phases completed from this month on (the day is ignored)."),
        method="filter_from",
    )
    date_to = DayFilter(
        label=_("Completed until"),
        field_name="month",
        lookup_expr="lte",
        help_text=_("Phases completed up to this month."),
    )
    # Not a filter of rows but how the months are grouped: radio buttons, without "all".
    per = django_filters.ChoiceFilter(
        label=_("Per"),
        choices=PER_CHOICES,
        method="filter_nothing",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("month, quarter, year or period."),
    )

    class Meta:
        model = LedgerMonth
        fields = ["call", "province", "mandate", "date_from", "date_to", "per"]

    def filter_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(month__gte=value.replace(day=1))

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # read by `ledger_rows`


FIGURES = ("owed_phases", "owed", "claimed", "approved", "paid")


def ledger_rows(queryset: QuerySet, per: str | None) -> QuerySet:
    """The ledger's rows per mandate and period: its months summed per quarter, per year or
    over the whole filtered period."""
    period = {"quarter": TruncQuarter("month"), "year": TruncYear("month")}.get(per or "month")
    rows = queryset.order_by()
    if per == "period":
        rows = rows.values("mandate")
    else:
        rows = rows.annotate(period=period or F("month")).values("mandate", "period")
    rows = rows.annotate(
        project_number=F("mandate__project_number"),
        mandate_name=F("mandate__name"),
        call_number=F("mandate__call__number"),
        **{figure: Sum(figure) for figure in FIGURES},
    )
    order = ["project_number"] if per == "period" else ["project_number", "period"]
    return rows.order_by(*order)
