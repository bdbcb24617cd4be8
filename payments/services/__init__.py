"""Writes with rules for paying providers: typed, keyword-only, no request, all or nothing.

Split by the claim's life: making and submitting it (claims), its evidence (evidence), its
check, decision and payment (review), and corrections. Import them from here.
"""

from payments.services.claims import (
    BudgetStatus,
    ClaimProposal,
    budget_status,
    claim_create,
    claim_discard,
    claim_proposal,
    claim_submit,
    unclaimed_phases,
)
from payments.services.corrections import (
    correction_run_approve,
    correction_run_create,
    correction_run_discard,
    corrections_compute,
)
from payments.services.evidence import evidence_check, evidence_upload, missing_evidence
from payments.services.review import (
    Deduction,
    claim_approve,
    claim_check_record,
    claim_reissue,
    claim_reject,
    claim_review_start,
    payment_check,
    payment_fail,
    payment_record,
    sample_select,
    sample_size,
)

__all__ = [
    "BudgetStatus",
    "ClaimProposal",
    "Deduction",
    "budget_status",
    "claim_approve",
    "claim_check_record",
    "claim_create",
    "claim_discard",
    "claim_proposal",
    "claim_reissue",
    "claim_reject",
    "claim_review_start",
    "claim_submit",
    "correction_run_approve",
    "correction_run_create",
    "correction_run_discard",
    "corrections_compute",
    "evidence_check",
    "evidence_upload",
    "missing_evidence",
    "payment_check",
    "payment_fail",
    "payment_record",
    "sample_select",
    "sample_size",
    "unclaimed_phases",
]
