"""What is owed: the provider statement, per mandate, phase and index used."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django import forms
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.exports import (
    TOTAL,
    Cell,
    Export,
    register,
)
from doorstroom.filters import ALL_LABEL
from doorstroom.forms import BelgianDateField
from doorstroom.hooks import PROVIDER_STATEMENT_PAID
from mandates.models import Call, Mandate
from trajectories.exports.common import (
    COMPLETED_PHASE_COUNT,
    ESF_CALL,
    FEE,
    INDEX_MONTH,
    PHASE,
    choice_labels,
    month_label,
)
from trajectories.models import Phase, PhaseRecord


class StatementFilterForm(forms.Form):
    date_from = BelgianDateField(
        required=False,
        label=_("Completed from"),
        help_text=_("Phases completed on or after this day."),
    )
    date_to = BelgianDateField(
        required=False,
        label=_("Completed until"),
        help_text=_("Phases completed on or before this day."),
    )
    mandate = forms.ModelChoiceField(
        queryset=Mandate.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="project_number",
        required=False,
        label=_("Mandate"),
        help_text=_("Project number of the mandate (the provider), e.g. 6441."),
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="number",
        required=False,
        label=ESF_CALL,
        help_text=_("Call number, e.g. 380."),
    )


@register
class ProviderStatementExport(Export):
    name = "provider-statement"
    title = _("Fees owed per provider")
    description = _(
        "Per mandate (mandated provider) and period of completion: the completed phases, their "
        "number and fee, the health index used, what was paid for them, a total per mandate and "
        "a grand total. Only counts and amounts, no personal data."
    )
    filter_form_class = StatementFilterForm
    # A payment statement needs exact counts and amounts: for staff, not for publication.
    publishable = False
    # No COPY statement: its lines are a few per mandate, phase and index month (a few thousand
    # at a million trajectories), and their totals are added up here, once, as they are read.

    def header(self) -> Sequence[str]:
        return [
            _("Project number"),
            _("Project name"),
            _("Promoter"),
            _("Call"),
            PHASE,
            INDEX_MONTH,
            _("Health index"),
            _("Base index"),
            COMPLETED_PHASE_COUNT,
            FEE,
            _("Paid (EUR)"),
        ]

    def get_phases(self) -> QuerySet:
        phases = self.scoped(PhaseRecord.objects.completed())
        if self.filters.get("date_from"):
            phases = phases.filter(end_date__gte=self.filters["date_from"])
        if self.filters.get("date_to"):
            phases = phases.filter(end_date__lte=self.filters["date_to"])
        if self.filters.get("mandate"):
            phases = phases.filter(trajectory__mandate=self.filters["mandate"])
        if self.filters.get("call"):
            phases = phases.filter(trajectory__mandate__call=self.filters["call"])
        return phases

    # A line per mandate, phase and index used; the first four columns describe the mandate.
    GROUPS = (
        "trajectory__mandate__project_number",
        "trajectory__mandate__name",
        "trajectory__mandate__promoter_as_written",
        "trajectory__mandate__call__number",
        "phase",
        "index_reference_month",
        "index_value",
        "index_base_value",
    )
    ORDER = (
        "trajectory__mandate__project_number",
        "phase",
        "index_reference_month",
        "index_value",
        "index_base_value",
    )

    def groups(self) -> QuerySet:
        return (
            self.get_phases()
            .values(*self.GROUPS)
            .annotate(n=Count("id"), total=Sum("fee_amount"))
            .order_by(*self.ORDER)
        )

    def paid_groups(self) -> list[QuerySet]:
        """What was paid per line, from the app that records payments (doorstroom.hooks):
        tuples of (project number, phase, index month, index, base index, amount paid)."""
        return PROVIDER_STATEMENT_PAID.ask(filters=self.filters, user=self.user)

    def rows(self) -> Iterator[Sequence[Cell]]:
        groups = self.groups()
        phase_names, total = choice_labels(Phase), str(TOTAL)
        paid: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for found in self.paid_groups():
            for *line, amount in found:
                paid[tuple(line)] += amount
        zeros = [0, Decimal("0.00"), Decimal("0.00")]
        per_mandate: dict[int, list[Decimal | int]] = defaultdict(lambda: list(zeros))
        grand = list(zeros)
        previous = None
        for row in groups:
            number = row["trajectory__mandate__project_number"]
            if previous is not None and number != previous[0]:
                yield self._subtotal(previous, per_mandate[previous[0]], total)
            previous = (
                number,
                row["trajectory__mandate__name"],
                row["trajectory__mandate__promoter_as_written"],
                row["trajectory__mandate__call__number"],
            )
            line = (number, *(row[name] for name in self.ORDER[1:]))
            yield [
                *previous,
                phase_names[row["phase"]],
                month_label(row["index_reference_month"]),
                row["index_value"],
                row["index_base_value"],
                row["n"],
                row["total"],
                paid[line],
            ]
            for totals in (per_mandate[number], grand):
                totals[0] += row["n"]
                totals[1] += row["total"]
                totals[2] += paid[line]
        if previous is not None:
            yield self._subtotal(previous, per_mandate[previous[0]], total)
        grand_total = gettext("Total of all mandates")
        yield [None, grand_total, None, None, None, None, None, None, *grand]

    @staticmethod
    def _subtotal(mandate: tuple, totals: list, total: str) -> list[Cell]:
        return [*mandate, total, None, None, None, *totals]
