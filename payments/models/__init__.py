"""Paying providers: claims, their evidence, corrections and the budget per mandate."""

from payments.models.budget import LedgerMonth, MandateBudget
from payments.models.claims import (
    Claim,
    ClaimLine,
    ClaimStep,
    DeductionReason,
    Payment,
    claim_number,
)
from payments.models.corrections import CorrectionItem, CorrectionRun
from payments.models.evidence import DocumentKind, EvidenceDocument, EvidenceRequirement
from payments.models.imports import PaymentImportBatch, PaymentImportStatus
from payments.states import CheckResult, ClaimStatus, CorrectionStatus, LineKind

__all__ = [
    "CheckResult",
    "Claim",
    "ClaimLine",
    "ClaimStatus",
    "ClaimStep",
    "CorrectionItem",
    "CorrectionRun",
    "CorrectionStatus",
    "DeductionReason",
    "DocumentKind",
    "EvidenceDocument",
    "EvidenceRequirement",
    "LedgerMonth",
    "LineKind",
    "MandateBudget",
    "Payment",
    "PaymentImportBatch",
    "PaymentImportStatus",
    "claim_number",
]
