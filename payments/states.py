"""The states of a claim and its lines, apart from the models so that the database's rules
(migration 0002) and the services name the same values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    DRAFT = "concept", _("draft")
    SUBMITTED = "ingediend", _("submitted")
    IN_REVIEW = "in_behandeling", _("in review")
    APPROVED = "goedgekeurd", _("approved")
    PARTLY_APPROVED = "deels_goedgekeurd", _("partly approved")
    REJECTED = "afgewezen", _("rejected")
    PAID = "betaald", _("paid")
    PAYMENT_FAILED = "betaling_mislukt", _("payment failed")
    REISSUED = "opnieuw_uitgegeven", _("reissued")


# Which states count where: a draft claims nothing yet, a rejected claim nothing any more.
CLAIMED = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.APPROVED,
    ClaimStatus.PARTLY_APPROVED,
    ClaimStatus.PAID,
    ClaimStatus.PAYMENT_FAILED,
    ClaimStatus.REISSUED,
)
DECIDED = (
    ClaimStatus.APPROVED,
    ClaimStatus.PARTLY_APPROVED,
    ClaimStatus.PAID,
    ClaimStatus.PAYMENT_FAILED,
    ClaimStatus.REISSUED,
)
# Approved and waiting for the financial system: what the payment file holds.
PAYABLE = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.REISSUED)

# The transitions of the claim's life, and nothing else (services.claims, services.review).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ClaimStatus.DRAFT: (ClaimStatus.SUBMITTED,),
    ClaimStatus.SUBMITTED: (ClaimStatus.IN_REVIEW,),
    ClaimStatus.IN_REVIEW: (
        ClaimStatus.APPROVED,
        ClaimStatus.PARTLY_APPROVED,
        ClaimStatus.REJECTED,
    ),
    ClaimStatus.APPROVED: (ClaimStatus.PAID, ClaimStatus.PAYMENT_FAILED),
    ClaimStatus.PARTLY_APPROVED: (ClaimStatus.PAID, ClaimStatus.PAYMENT_FAILED),
    ClaimStatus.PAYMENT_FAILED: (ClaimStatus.REISSUED,),
    ClaimStatus.REISSUED: (ClaimStatus.PAID, ClaimStatus.PAYMENT_FAILED),
    ClaimStatus.REJECTED: (),
    ClaimStatus.PAID: (),
}


class LineKind(models.TextChoices):
    FEE = "vergoeding", _("fee")
    TOP_UP = "bijbetaling", _("top-up (correction)")
    RECOVERY = "terugvordering", _("recovery (correction)")


class CheckResult(models.TextChoices):
    NONE = "", _("not checked")
    OK = "in_orde", _("in order")
    DEVIATION = "afwijking", _("deviation")


class CorrectionStatus(models.TextChoices):
    PREVIEW = "voorbeeld", _("preview")
    APPROVED = "goedgekeurd", _("approved")
    DISCARDED = "verworpen", _("discarded")
