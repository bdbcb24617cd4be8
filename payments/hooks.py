"""What payments shows on other apps' pages, through doorstroom.hooks (they never import us):
the budget and payments of a mandate on its page, the paid column of the provider statement."""

from __future__ import annotations

from django.db.models import F, QuerySet, Sum
from django.template.loader import render_to_string

from doorstroom import roles
from doorstroom.hooks import MANDATE_PAGE_SECTIONS, PROVIDER_STATEMENT_PAID
from payments.models import Claim, ClaimLine
from payments.services import budget_status
from payments.states import ClaimStatus


@MANDATE_PAGE_SECTIONS.provide
def mandate_budget_section(*, request, mandate) -> str:
    """The mandate's budget against what it is owed, claimed, approved and paid, and its
    latest claims; nothing for a role that sees only what may be published."""
    if not roles.may_see_internal_figures(request.user):
        return ""
    return render_to_string(
        "payments/_mandate_budget.html",
        {
            "mandate": mandate,
            "status": budget_status(mandate=mandate),
            "claims": Claim.objects.filter(mandate=mandate)
            .annotate(paid_amount=F("payment__amount"))
            .order_by("-created_at", "-pk")[:5],
            "may_claim": roles.may_claim(request.user),
        },
        request=request,
    )


@PROVIDER_STATEMENT_PAID.provide
def provider_statement_paid(*, filters, user) -> QuerySet:
    """Paid per line of the provider statement: (project number, phase, index month, index,
    base index, amount paid) of the paid claims' lines, grouped by the phase's own index (a
    correction line is counted with the fee it corrects)."""
    lines = ClaimLine.objects.filter(claim_status=ClaimStatus.PAID)
    if user is not None:
        lines = lines.visible_to(user)
    if filters.get("date_from"):
        lines = lines.filter(completed_on__gte=filters["date_from"])
    if filters.get("date_to"):
        lines = lines.filter(completed_on__lte=filters["date_to"])
    if filters.get("mandate"):
        lines = lines.filter(mandate=filters["mandate"])
    if filters.get("call"):
        lines = lines.filter(mandate__call=filters["call"])
    return (
        lines.order_by()
        .values_list(
            "mandate__project_number",
            "phase_number",
            "phase__index_reference_month",
            "phase__index_value",
            "phase__index_base_value",
        )
        .annotate(paid=Sum(F("amount") - F("deduction")))
    )
