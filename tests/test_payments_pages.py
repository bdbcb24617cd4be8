"""Paying providers through the pages, as people use them: the provider makes and documents a
claim, an editor checks its sample, finance approves it with a deduction and records the payment.
Each form is submitted with what it holds; a refusal comes back on its form with the reason."""

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mandates.models import Mandate
from payments.models import Claim, DeductionReason, EvidenceDocument
from payments.states import ClaimStatus
from tests.factories.payments import PDF, client_of, completed_trajectory
from tests.html_forms import forms, table_rows

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def form_on_get(response):
    return next(form for form in forms(response) if form.method == "get")


def form_on(response, action: str):
    """The form of the page that posts to `action`."""
    return next(form for form in forms(response) if form.attrs.get("action") == action)


def test_a_claim_from_its_making_to_its_payment_through_the_forms(people):
    mandate = Mandate.objects.get(project_number=7887)
    trajectory = completed_trajectory(mandate)
    provider = client_of(people["provider"])

    # The provider chooses mandate and period and sees what the claim takes first (the link of
    # the mandate's page names the mandate alone: the form starts from it, without errors).
    new = reverse("payments:claim-new")
    started = provider.get(new, {"mandate": "7887"})
    assert started.status_code == 200 and not started.context["form"].errors
    assert form_on_get(started).select("mandate").value() == "7887"
    page = provider.get(
        new, {"mandate": "7887", "period_start": "01/01/2024", "period_end": "31/12/2024"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Afgeronde fasen" in body and "Schuldvordering opmaken" in body
    made = provider.post(new, form_on(page, new).data())
    assert made.status_code == 302
    claim = Claim.objects.get()
    assert made.url == claim.get_absolute_url()

    # Submitted without its documents: refused, naming the lines.
    page = provider.get(claim.get_absolute_url())
    submit = reverse("payments:claim-submit", args=[claim.pk])
    refused = provider.post(submit, form_on(page, submit).data())
    assert refused.status_code == 400
    reference = trajectory.worker.reference
    assert f"Regel 3 ({reference}, Stage): Stageovereenkomst ontbreekt." in refused.content.decode()

    # A document whose content is no PDF, whatever its name: refused on the file field.
    upload = reverse("payments:claim-evidence", args=[claim.pk])
    data = form_on(page, upload).data()
    kinds = dict(
        (label, value) for value, label in form_on(page, upload).select("evidence-kind").options
    )
    wrong = provider.post(
        upload,
        {
            **data,
            "evidence-line": "3",
            "evidence-kind": kinds["Stageovereenkomst"],
            "evidence-file": SimpleUploadedFile("overeenkomst.pdf", b"<html>geen pdf</html>"),
        },
    )
    assert wrong.status_code == 400
    assert "wat de naam ook zegt" in wrong.content.decode()
    assert not EvidenceDocument.objects.exists()
    for line, kind, content in (
        (3, "Stageovereenkomst", PDF),
        (4, "Bewijs van tewerkstelling", PNG),
    ):
        added = provider.post(
            upload,
            {
                **data,
                "evidence-line": str(line),
                "evidence-kind": kinds[kind],
                "evidence-file": SimpleUploadedFile("scan.pdf", content),
            },
        )
        assert added.status_code == 302, added.content.decode()[-2000:]
    assert sorted(EvidenceDocument.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    page = provider.get(claim.get_absolute_url())
    assert provider.post(submit, form_on(page, submit).data()).status_code == 302

    # An editor takes it in review and checks the sample.
    editor = client_of(people["editor"])
    page = editor.get(claim.get_absolute_url())
    review = reverse("payments:claim-review", args=[claim.pk])
    assert editor.post(review, form_on(page, review).data()).status_code == 302
    page = editor.get(claim.get_absolute_url())
    check = reverse("payments:claim-check", args=[claim.pk])
    data = form_on(page, check).data()
    results = {name: "in_orde" for name in data if name.startswith("check-result_")}
    assert len(results) == 3  # four lines: at least three in the sample
    assert editor.post(check, {**data, **results}).status_code == 302

    # Finance approves with one deduction on line 2, then records the payment.
    finance = client_of(people["finance"])
    page = finance.get(claim.get_absolute_url())
    approve = reverse("payments:claim-approve", args=[claim.pk])
    data = form_on(page, approve).data()
    reason = DeductionReason.objects.get(code="bewijs-ontbreekt")
    approved = finance.post(
        approve,
        {
            **data,
            "deductions-0-line": "2",
            "deductions-0-amount": "100,50",
            "deductions-0-reason": str(reason.pk),
            "deductions-0-note": "Verslag onvolledig.",
        },
    )
    assert approved.status_code == 302, approved.content.decode()[-3000:]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTLY_APPROVED
    assert claim.approved_amount == claim.claimed_amount - Decimal("100.50")
    page = finance.get(claim.get_absolute_url())
    pay = reverse("payments:claim-pay", args=[claim.pk])
    data = form_on(page, pay).data()
    assert data["pay-reference"] == claim.payment_reference
    assert finance.post(pay, data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.payment.amount == claim.approved_amount
    steps = [s.to_status for s in claim.steps.all()]
    assert steps == [
        "concept",
        "ingediend",
        "in_behandeling",
        "in_behandeling",
        "deels_goedgekeurd",
        "betaald",
    ]


def test_the_page_offers_only_the_steps_of_the_users_role_and_says_why_not(people):
    from tests.factories.payments import CHECKED, claim_in

    claim = claim_in(CHECKED, people)
    approve = reverse("payments:claim-approve", args=[claim.pk])
    for role, offered in (("finance", True), ("editor", False), ("provider", False)):
        body = client_of(people[role]).get(claim.get_absolute_url()).content.decode()
        assert (f'action="{approve}"' in body) is offered, role
    # The checker who is also finance's administrator is told why the step is not offered.
    admin = people["administrator"]
    other = claim_in(ClaimStatus.IN_REVIEW, people)
    from payments import services
    from payments.states import CheckResult

    services.claim_check_record(
        user=admin,
        claim=other,
        results={line.pk: (CheckResult.OK, "") for line in other.lines.filter(in_sample=True)},
    )
    body = client_of(admin).get(other.get_absolute_url()).content.decode()
    assert "iemand anders keurt ze goed of wijst ze af" in body
    assert f'action="{reverse("payments:claim-approve", args=[other.pk])}"' not in body


def test_a_stale_form_on_the_claim_page_is_refused(people):
    from doorstroom.concurrency import STALE_MESSAGE
    from tests.factories.payments import claim_in

    claim = claim_in(ClaimStatus.SUBMITTED, people)
    editor = client_of(people["editor"])
    page = editor.get(claim.get_absolute_url())
    review = reverse("payments:claim-review", args=[claim.pk])
    data = form_on(page, review).data()
    Claim.objects.filter(pk=claim.pk).update(check_note="Iemand anders, intussen.")
    response = editor.post(review, data)
    assert response.status_code == 400
    assert str(STALE_MESSAGE) in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


def test_evidence_is_served_only_to_who_may_see_its_claim(people, make_user):
    from doorstroom.roles import Role
    from mandates.models import Organisation, Province
    from tests.factories.payments import claim_in

    claim = claim_in(ClaimStatus.SUBMITTED, people)
    document = EvidenceDocument.objects.first()
    url = document.get_absolute_url()
    assert not url.startswith("/media") and "evidence" not in url
    for role in ("provider", "provincial", "editor", "finance", "administrator"):
        response = client_of(people[role]).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
    others = {
        "analyst": (people["analyst"], 403),
        "another provider": (
            make_user(
                "ander", Role.PROVIDER, organisation=Organisation.objects.get(name="JOB & CO")
            ),
            404,
        ),
        "another province": (
            make_user(
                "gent", Role.PROVINCIAL, province=Province.objects.get(name="Oost-Vlaanderen")
            ),
            404,
        ),
    }
    for name, (user, status) in others.items():
        assert client_of(user).get(url).status_code == status, name
    assert Client().get(url).status_code == 302  # to the login
    assert claim.lines.count() == 4


def test_a_phase_page_lists_its_documents_and_takes_one(people):
    mandate = Mandate.objects.get(project_number=7887)
    trajectory = completed_trajectory(mandate, phases=3)
    phase = trajectory.phases.get(phase=3)
    provider = client_of(people["provider"])
    url = reverse("payments:phase-evidence", args=[phase.pk])
    page = provider.get(url)
    assert "Stageovereenkomst" in page.content.decode()
    data = form_on(page, url).data()
    kinds = {label: value for value, label in form_on(page, url).select("kind").options}
    too_big = provider.post(
        url,
        {
            **data,
            "kind": kinds["Stageovereenkomst"],
            "file": SimpleUploadedFile("groot.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
        },
    )
    assert too_big.status_code == 400
    assert "Het bestand is groter dan 10 MB." in too_big.content.decode()
    added = provider.post(
        url, {**data, "kind": kinds["Stageovereenkomst"], "file": SimpleUploadedFile("x.bin", PDF)}
    )
    assert added.status_code == 302
    # Kept under a name of its own, with the extension of its detected type (see
    # test_payments_evidence_names.py).
    name = f"stageovereenkomst_{trajectory.worker.reference}-F3.pdf"
    assert EvidenceDocument.objects.get().original_name == name
    assert re.search(
        rf'href="/betalingen/bewijsstukken/\d+/">{name}', provider.get(url).content.decode()
    )
    # Others see the list, but only the provider adds to it.
    editor_page = client_of(people["editor"]).get(url).content.decode()
    assert name in editor_page and 'enctype="multipart/form-data"' not in editor_page
    assert client_of(people["editor"]).post(url, {}).status_code == 403


def test_the_claims_list_makes_the_same_queries_whatever_the_claims(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.payments import claim_in

    finance = client_of(people["finance"])
    url = reverse("payments:claims")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(url).status_code == 200
        return len(captured)

    claim_in(ClaimStatus.SUBMITTED, people)
    queries()  # the first request of a session reads what later ones find cached
    before = queries()
    for status in (ClaimStatus.DRAFT, ClaimStatus.PAID, ClaimStatus.REJECTED):
        claim_in(status, people)
    assert queries() == before
    assert len(table_rows(finance.get(url))) == 4


def test_undoing_a_claimed_phase_is_refused_on_the_trajectory_page(people):
    from tests.factories.payments import claim_in

    claim = claim_in(ClaimStatus.SUBMITTED, people)
    trajectory = claim.lines.first().trajectory
    editor = client_of(people["editor"])
    response = editor.post(
        reverse("trajectories:undo", args=[trajectory.pk]), {"undo-reason": "Verkeerde datum."}
    )
    assert response.status_code == 400
    assert f"staat op schuldvordering {claim.number}" in response.content.decode()
    assert trajectory.phases.get(phase=4).fee_amount is not None
