"""Exports of payments: the ledger, a claim's statement, the payments for the financial system
and the template of its confirmations; and the dashboard's fees owed and paid per quarter.

All but the dashboard's are internal documents with exact figures (`publishable = False`): never
in an answer pack, not for the analyst. The dashboard's is protected as the fees owed are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django import forms
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure import PROTECTED, derived
from doorstroom.exports import TOTAL, Cell, Export, register
from mandates.models import Mandate
from payments.filters import FIGURES, LedgerFilter, ledger_rows
from payments.models import Claim, ClaimLine, LedgerMonth
from payments.states import PAYABLE, CheckResult, ClaimStatus, LineKind
from payments.tables import period_label
from trajectories.exports.common import choice_labels
from trajectories.exports.dashboard import FeesOwedExport
from trajectories.models import Phase

ZERO = Decimal("0.00")
PROJECT_NUMBER, PAID = _("Project number"), _("Paid (EUR)")
CLAIM, LINE, PERIOD = _("Claim"), _("Line"), _("Period")
AMOUNTS = [_("Owed (EUR)"), _("Claimed (EUR)"), _("Approved (EUR)"), PAID]


@register
class LedgerExport(Export):
    name = "payments-ledger"
    title = _("Ledger of fees owed and paid")
    description = _(
        "Per mandate and period of completion: the completed phases, what they are owed (with "
        "approved corrections), claimed, approved, paid and still outstanding, with a total. "
        "Exact figures: an internal document."
    )
    filterset_class = LedgerFilter
    publishable = False
    key_columns = (PROJECT_NUMBER, PERIOD)

    def get_queryset(self) -> QuerySet:
        return self.scoped(LedgerMonth.objects.all())

    def header(self) -> Sequence[str]:
        return [
            PROJECT_NUMBER,
            _("Project name"),
            _("Call"),
            PERIOD,
            _("Completed phases"),
            *AMOUNTS,
            _("Outstanding (EUR)"),
        ]

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        per = self.filters.get("per") or "month"
        totals = dict.fromkeys(FIGURES, ZERO)
        for row in ledger_rows(queryset, per):
            figures = [row[figure] for figure in FIGURES]
            yield [
                row["project_number"],
                row["mandate_name"],
                row["call_number"],
                period_label(row.get("period"), per),
                *figures,
                row["owed"] - row["paid"],
            ]
            for figure in FIGURES:
                totals[figure] += row[figure]
        yield [
            None,
            str(TOTAL),
            None,
            None,
            int(totals["owed_phases"]),
            *(totals[figure] for figure in FIGURES[1:]),
            totals["owed"] - totals["paid"],
        ]


class ClaimStatementForm(forms.Form):
    claim = forms.IntegerField(
        label=_("Claim"),
        required=False,
        min_value=1,
        help_text=_("Number of the claim, e.g. 12 for SV-000012; all claims when empty."),
    )


@register
class ClaimStatementExport(Export):
    name = "claim-statement"
    title = _("Statement of a claim")
    description = _(
        "Every line of a claim: the worker's reference, the phase, the fee and index it was "
        "claimed with, the deduction and its reason, what was approved; a total per claim. "
        "Exact figures about workers (by reference): internal."
    )
    filter_form_class = ClaimStatementForm
    publishable = False
    contains_personal_data = True
    key_columns = (CLAIM, LINE)

    def header(self) -> Sequence[str]:
        return [
            CLAIM,
            PROJECT_NUMBER,
            _("Status"),
            LINE,
            _("Worker reference"),
            _("Phase"),
            _("Kind"),
            _("Completed on"),
            _("Index month"),
            _("Health index"),
            _("Base index"),
            _("Amount (EUR)"),
            _("Deduction (EUR)"),
            _("Reason for the deduction"),
            _("Note on the deduction"),
            _("Approved (EUR)"),
            _("Sample"),
        ]

    def lines(self) -> QuerySet:
        lines = self.scoped(ClaimLine.objects.all())
        if self.filters.get("claim"):
            lines = lines.filter(claim_id=self.filters["claim"])
        return lines.select_related(
            "claim__mandate", "trajectory__worker", "deduction_reason"
        ).order_by("claim_id", "position")

    def rows(self) -> Iterator[Sequence[Cell]]:
        phases, kinds = choice_labels(Phase), choice_labels(LineKind)
        statuses, checks = choice_labels(ClaimStatus), choice_labels(CheckResult)
        total = str(TOTAL)
        claim, totals, grand = None, [ZERO, ZERO, ZERO], [ZERO, ZERO, ZERO]
        for line in self.lines().iterator(chunk_size=2000):
            if claim is not None and line.claim_id != claim.pk:
                yield self._total(claim, totals, total)
                totals = [ZERO, ZERO, ZERO]
            claim = line.claim
            approved = line.amount - line.deduction if claim.status in _DECIDED else None
            yield [
                claim.number,
                claim.mandate.project_number,
                statuses[claim.status],
                line.position,
                line.trajectory.worker.reference,
                phases[line.phase_number],
                kinds[line.kind],
                line.completed_on,
                f"{line.index_reference_month:%Y-%m}",
                line.index_value,
                line.index_base_value,
                line.amount,
                line.deduction,
                str(line.deduction_reason) if line.deduction_reason else None,
                line.deduction_note or None,
                approved,
                checks[line.check_result] if line.in_sample else None,
            ]
            for sums in (totals, grand):
                sums[0] += line.amount
                sums[1] += line.deduction
                sums[2] += approved or ZERO
        if claim is not None:
            yield self._total(claim, totals, total)
        yield [
            None,
            None,
            None,
            None,
            total,
            *[None] * 6,
            *grand[:2],
            None,
            None,
            grand[2],
            None,
        ]

    @staticmethod
    def _total(claim: Claim, totals: list, total: str) -> list[Cell]:
        approved = totals[2] if claim.status in _DECIDED else None
        claimed, deducted, _approved = totals
        label = [claim.number, claim.mandate.project_number, None, None, total]
        return [*label, *[None] * 6, claimed, deducted, None, None, approved, None]


_DECIDED = (*PAYABLE, ClaimStatus.PAID, ClaimStatus.PAYMENT_FAILED)


# The columns of the financial system's confirmations (payments.imports reads them by these
# names, in any language).
REFERENCE, PAID_ON, AMOUNT = "reference", "paid_on", "amount"
CONFIRMATION_COLUMNS = {
    REFERENCE: _("Payment reference"),
    PAID_ON: _("Payment date"),
    AMOUNT: _("Amount (EUR)"),
}


@register
class ApprovedPaymentsExport(Export):
    name = "payments-approved"
    title = _("Approved payments for the financial system")
    description = _(
        "Every approved claim waiting for its payment: the payment reference the financial "
        "system pays with and sends back in its confirmation, the payee and the amount."
    )
    publishable = False
    key_columns = (CONFIRMATION_COLUMNS[REFERENCE],)

    def header(self) -> Sequence[str]:
        return [
            CONFIRMATION_COLUMNS[REFERENCE],
            _("Claim"),
            PROJECT_NUMBER,
            _("Payee"),
            _("Enterprise number"),
            _("Amount (EUR)"),
            _("Approved on"),
        ]

    def rows(self) -> Iterator[Sequence[Cell]]:
        claims = (
            self.scoped(Claim.objects.filter(status__in=PAYABLE))
            .select_related("mandate__promoter")
            .order_by("decided_at", "pk")
        )
        for claim in claims:
            yield [
                claim.payment_reference,
                claim.number,
                claim.mandate.project_number,
                claim.mandate.promoter.name,
                claim.mandate.promoter.kbo_number,
                claim.approved_amount,
                timezone.localtime(claim.decided_at).date(),
            ]


@register
class PaymentConfirmationTemplateExport(Export):
    name = "payment-confirmations-template"
    title = _("Template of payment confirmations")
    description = _(
        "The columns the import of payment confirmations reads: the payment reference, the day "
        "it was paid and the amount."
    )
    publishable = False

    def header(self) -> Sequence[str]:
        return list(CONFIRMATION_COLUMNS.values())

    def rows(self) -> Iterator[Sequence[Cell]]:
        return iter(())


@register
class FeesPaidExport(FeesOwedExport):
    """The dashboard's fees owed per quarter, with what was paid for them beside."""

    name = "dashboard-fees-paid"
    title = _("Fees owed and paid per quarter")
    description = _(
        "Fees of phases completed in the period, per quarter of completion: what is owed to the "
        "providers and what was paid for those phases. An amount beside a hidden count is "
        "hidden too (x)."
    )

    def header(self) -> Sequence[str]:
        return [*super().header(), PAID]

    def scoped(self, queryset: QuerySet) -> QuerySet:
        # The ledger is an internal document, but its paid total per quarter is published here,
        # protected with its count: scoped by the mandates the user may see.
        if queryset.model is LedgerMonth and self.user is not None:
            return queryset.filter(mandate__in=Mandate.objects.visible_to(self.user).values("pk"))
        return super().scoped(queryset)

    def paid(self) -> dict[tuple[int, int], Decimal]:
        months = self.in_period(self.restricted(LedgerMonth.objects.all()), "month")
        quarters: dict[tuple[int, int], Decimal] = {}
        for month, paid in months.values_list("month").annotate(paid=Sum("paid")):
            key = (month.year, (month.month - 1) // 3 + 1)
            quarters[key] = quarters.get(key, ZERO) + paid
        return quarters

    def rows(self) -> Iterator[Sequence[Cell]]:
        quarters = list(self.computed(("completed", self.cell()), self.quarters))
        paid = self.paid()
        # The owed table's rows (a quarter each, then the total), each with what was paid beside:
        # hidden with its count, as the amount owed is; the total when the total owed is.
        for row, quarter in zip(super().rows(), [*quarters, None], strict=True):
            if quarter is not None:
                yield [*row, derived(self.protection, self.cell(quarter), paid.get(quarter, ZERO))]
            elif row[2] == PROTECTED:
                yield [*row, PROTECTED]
            else:
                yield [*row, sum(paid.values(), ZERO)]
