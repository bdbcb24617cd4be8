"""A claim's sample is checked once: after the check is recorded, its page shows the results in
the claim's lines and offers the decision, not a blank check form that would overwrite them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from payments import services
from payments.models import ClaimLine
from payments.states import CheckResult, ClaimStatus
from tests.factories.payments import claim_in, client_of
from tests.html_forms import forms, table_rows


def test_after_the_check_the_page_shows_its_results_and_offers_the_decision(people):
    claim = claim_in(ClaimStatus.IN_REVIEW, people)
    editor = client_of(people["editor"])
    check = reverse("payments:claim-check", args=[claim.pk])
    page = editor.get(claim.get_absolute_url())
    form = next(form for form in forms(page) if form.attrs.get("action") == check)
    data = form.data()
    results = sorted(name for name in data if name.startswith("check-result_"))
    first, *others = results
    typed = {first: CheckResult.DEVIATION, f"check-note_{first.split('_')[1]}": "Geen verslag."}
    typed |= {name: CheckResult.OK for name in others}
    assert editor.post(check, {**data, **typed}).status_code == 302

    page = editor.get(claim.get_absolute_url())
    body = page.content.decode()
    assert f'action="{check}"' not in body and "De steekproef controleren" not in body
    assert "Zijn steekproef is gecontroleerd" in body
    # The results as recorded, in the lines of the claim.
    rows = table_rows(page)
    assert sum("afwijking: Geen verslag." in " ".join(row) for row in rows) == 1
    assert sum("in orde" in row for row in rows) == len(others)
    # Finance is offered the decision.
    finance_page = client_of(people["finance"]).get(claim.get_absolute_url()).content.decode()
    assert f'action="{reverse("payments:claim-approve", args=[claim.pk])}"' in finance_page
    assert f'action="{check}"' not in finance_page

    # A second check, with the claim's current version, is refused; the results stay.
    claim.refresh_from_db()
    again = editor.post(check, {**data, "check-seen_version": str(claim.version)})
    assert again.status_code == 400
    assert "De steekproef van deze schuldvordering is al gecontroleerd." in again.content.decode()
    with pytest.raises(ValidationError):
        services.claim_check_record(
            user=people["provincial"],
            claim=claim,
            results={pk: (CheckResult.OK, "") for pk in claim.lines.values_list("pk", flat=True)},
        )
    deviating = ClaimLine.objects.get(pk=int(first.split("_")[1]))
    assert (deviating.check_result, deviating.check_note) == (
        CheckResult.DEVIATION,
        "Geen verslag.",
    )
