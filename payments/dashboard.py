"""What payments shows on the dashboard, through doorstroom.hooks (the dashboard never imports
us): the tile of the fees owed this quarter, read from the ledger, and the claims waiting for a
step in the to-do of whoever takes it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.dashboard.todo import TodoGroup, TodoItem, day, first_of
from doorstroom.hooks import DASHBOARD_OWED, DASHBOARD_TODO
from payments.filters import ClaimFilter, LedgerFilter
from payments.models import Claim, LedgerMonth


@DASHBOARD_OWED.provide
def owed_in_the_ledger(*, user, listing: dict[str, str]) -> tuple[Decimal, str]:
    filterset = LedgerFilter(
        data=listing,
        queryset=LedgerMonth.objects.visible_to(user),
        request=SimpleNamespace(user=user),
    )
    owed = filterset.qs.aggregate(owed=Sum("owed"))["owed"] if filterset.is_valid() else None
    query = urlencode({name: value for name, value in listing.items() if value})
    return owed or Decimal("0.00"), f"{reverse('payments:ledger')}?{query}"


CLAIM_STEPS = {
    "check": _("Claims waiting for a check"),
    "decision": _("Claims waiting for approval"),
    "payment": _("Approved claims waiting for payment"),
}


def claims_group(user, step: str) -> TodoGroup:
    claims = Claim.objects.visible_to(user).select_related("mandate").order_by("submitted_at", "pk")
    count, first = first_of(ClaimFilter, {"waiting": step}, claims, user)
    items = [
        TodoItem(
            gettext("Claim %(number)s, mandate %(mandate)s, phases completed %(start)s to %(end)s")
            % {
                "number": claim.number,
                "mandate": claim.mandate.project_number,
                "start": day(claim.period_start),
                "end": day(claim.period_end),
            },
            claim.get_absolute_url(),
        )
        for claim in first
    ]
    url = reverse("payments:claims") + f"?waiting={step}"
    return TodoGroup(f"claims-{step}", str(CLAIM_STEPS[step]), count, url, items)


@DASHBOARD_TODO.provide
def claims_waiting(*, user) -> list[TodoGroup]:
    groups = []
    if roles.may_check_claims(user):
        groups.append(claims_group(user, "check"))
    if roles.may_decide_claims(user):
        groups.append(claims_group(user, "decision"))
        groups.append(claims_group(user, "payment"))
    return groups
