from django.urls import path

from payments.views import claims, corrections, evidence, imports, ledger

app_name = "payments"

urlpatterns = [
    path("", claims.ClaimListView.as_view(), name="claims"),
    path("nieuw/", claims.ClaimNewView.as_view(), name="claim-new"),
    path("<int:pk>/", claims.ClaimDetailView.as_view(), name="claim-detail"),
    path("<int:pk>/afdruk/", claims.ClaimPrintView.as_view(), name="claim-print"),
    path("<int:pk>/bewijsstukken/", evidence.ClaimEvidenceView.as_view(), name="claim-evidence"),
    path(
        "fasen/<int:pk>/bewijsstukken/",
        evidence.PhaseEvidenceView.as_view(),
        name="phase-evidence",
    ),
    path(
        "bewijsstukken/<int:pk>/",
        evidence.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("grootboek/", ledger.LedgerView.as_view(), name="ledger"),
    path("betalingsbevestigingen/", imports.PaymentImportView.as_view(), name="import"),
    path(
        "betalingsbevestigingen/<int:pk>/",
        imports.PaymentImportDetailView.as_view(),
        name="import-detail",
    ),
    path("correcties/", corrections.CorrectionRunListView.as_view(), name="corrections"),
    path(
        "correcties/<int:pk>/",
        corrections.CorrectionRunDetailView.as_view(),
        name="correction-detail",
    ),
    path(
        "correcties/<int:pk>/goedkeuren/",
        corrections.CorrectionApproveView.as_view(),
        name="correction-approve",
    ),
    path(
        "correcties/<int:pk>/verwerpen/",
        corrections.CorrectionDiscardView.as_view(),
        name="correction-discard",
    ),
]

# The steps of a claim: POST only.
urlpatterns += [
    path("<int:pk>/indienen/", claims.ClaimSubmitView.as_view(), name="claim-submit"),
    path("<int:pk>/weggooien/", claims.ClaimDiscardView.as_view(), name="claim-discard"),
    path("<int:pk>/in-behandeling/", claims.ClaimReviewStartView.as_view(), name="claim-review"),
    path("<int:pk>/controle/", claims.ClaimCheckView.as_view(), name="claim-check"),
    path("<int:pk>/goedkeuren/", claims.ClaimApproveView.as_view(), name="claim-approve"),
    path("<int:pk>/afwijzen/", claims.ClaimRejectView.as_view(), name="claim-reject"),
    path("<int:pk>/betaling/", claims.ClaimPayView.as_view(), name="claim-pay"),
    path(
        "<int:pk>/betaling-mislukt/",
        claims.ClaimPaymentFailedView.as_view(),
        name="claim-payment-failed",
    ),
    path("<int:pk>/opnieuw-uitgeven/", claims.ClaimReissueView.as_view(), name="claim-reissue"),
]
