"""Paying providers in a real browser: a provider submits a claim with its evidence, an editor
checks the sample, finance approves it with one deduction and records the payment, and the ledger,
the provider statement and the dashboard show it. (Every payments page at a phone's width and a
laptop's, in both languages: tests/test_browser_layout.py, its cases in tests/layout_pages.py.)"""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from doorstroom.formatting import format_amount
from doorstroom.models import UserScope
from doorstroom.roles import Role
from mandates.models import Mandate, Organisation
from payments.models import Claim, EvidenceDocument
from payments.states import ClaimStatus
from tests.browser_support import PASSWORD, accessibility_violations, log_in
from tests.factories.payments import FIRST_DAY, PDF, completed_trajectory

pytestmark = pytest.mark.browser


def person(username: str, role: Role, **scope):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role.value))
    if scope:
        UserScope.objects.create(user=user, **scope)
    return user


@pytest.fixture
def world(seeded):
    mandate = Mandate.objects.get(project_number=7887)
    # Two trajectories whose four phases all end in the first quarter of 2024: eight phases,
    # enough for the dashboard to show their figures (fewer would be "<5").
    for offset in range(2):
        completed_trajectory(mandate, start=FIRST_DAY + dt.timedelta(days=offset))
    return {
        "provider": person(
            "emino", Role.PROVIDER, organisation=Organisation.objects.get(name="EMINO")
        ),
        "editor": person("redactie", Role.EDITOR),
        "finance": person("financien", Role.FINANCE),
    }


def log_out(page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def test_a_claim_from_the_provider_to_its_payment_shown_everywhere(page, world, tmp_path):
    # The provider makes the claim, adds the two documents its phases need, submits it.
    log_in(page, "emino")
    page.get_by_role("link", name="Betalingen").click()
    page.get_by_role("link", name="Nieuwe schuldvordering").click()
    page.get_by_label("Mandaat", exact=True).select_option("7887")
    page.get_by_label("Afgerond vanaf").fill("01/01/2024")
    page.get_by_label("Afgerond tot en met").fill("31/03/2024")
    page.get_by_role("button", name="Tonen wat ze neemt").click()
    page.wait_for_load_state()
    assert page.locator("#proposal").get_by_text("8").first.is_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Schuldvordering opmaken").click()
    page.wait_for_load_state()
    claim = Claim.objects.get()
    assert page.url.endswith(claim.get_absolute_url())
    missing = page.locator("#missing li")
    assert missing.count() == 4  # Stage and Nazorg of each trajectory
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    lines = {line.position: line for line in claim.lines.all()}
    for position, line in lines.items():
        kind = {3: "Stageovereenkomst", 4: "Bewijs van tewerkstelling"}.get(line.phase_number)
        if kind is None:
            continue
        form = page.locator("#evidence-form")
        form.get_by_label("Regel").fill(str(position))
        form.get_by_label("Soort document").select_option(label=kind)
        form.get_by_label("Bestand").set_input_files(scan)
        form.get_by_role("button", name="Document toevoegen").click()
        page.wait_for_load_state()
    assert EvidenceDocument.objects.count() == 4
    assert page.locator("#missing").count() == 0
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Indienen", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Schuldvordering SV-").first.is_visible()
    log_out(page)

    # An editor takes it in review and checks every line of the sample.
    log_in(page, "redactie")
    page.goto(page.base_url + claim.get_absolute_url())
    page.get_by_role("button", name="In behandeling nemen").click()
    page.wait_for_load_state()
    check = page.locator("#check-form")
    results = check.get_by_label("Resultaat")
    assert results.count() == 3
    for index in range(results.count()):
        results.nth(index).select_option(label="in orde")
    assert accessibility_violations(page) == []
    check.get_by_role("button", name="De controle registreren").click()
    page.wait_for_load_state()
    assert page.get_by_text("De controle van de steekproef is geregistreerd.").is_visible()
    # Checked once: the form is gone, the results are in the lines, finance decides now.
    assert page.locator("#check-form").count() == 0
    assert page.get_by_text("Zijn steekproef is gecontroleerd").is_visible()
    log_out(page)

    # Finance approves it with one deduction, then records the payment.
    log_in(page, "financien")
    page.goto(page.base_url + claim.get_absolute_url())
    approve = page.locator("#approve-form")
    approve.locator("#id_deductions-0-line").fill("2")
    approve.locator("#id_deductions-0-amount").fill("100,00")
    approve.locator("#id_deductions-0-reason").select_option(
        label="Fase niet uitgevoerd zoals voorgeschreven"
    )
    approve.locator("#id_deductions-0-note").fill("Verslag van de jobmatching onvolledig.")
    approve.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTLY_APPROVED
    paid = format_amount(claim.approved_amount)
    pay = page.locator("#pay-form")
    # Filled in as the pages write it (1.234,56), and taken back so.
    assert pay.get_by_label("Betaald bedrag (EUR)").input_value() == paid.removeprefix("€").strip()
    assert pay.get_by_label("Betaald op").input_value() == timezone.localdate().strftime("%d/%m/%Y")
    pay.get_by_role("button", name="De betaling registreren").click()
    page.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert page.locator("#claim-facts").get_by_text(paid).first.is_visible()

    # The ledger shows it paid, and what stays outstanding: the deduction.
    page.get_by_role("link", name="Grootboek").click()
    page.wait_for_load_state()
    totals = page.locator("#ledger-totals")
    assert totals.get_by_text(paid).first.is_visible()
    assert totals.get_by_text(format_amount(100)).first.is_visible()

    # The provider statement, downloaded from the mandate's page: paid beside owed.
    page.goto(page.base_url + "/mandaten/7887/")
    assert page.locator("#mandate-budget").get_by_text(paid).first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (Excel)").first.click()
    with open(download.value.path(), encoding="utf-8-sig") as statement:
        rows = list(csv.reader(statement, delimiter=";"))
    assert rows[0][-2:] == ["Vergoeding (EUR)", "Betaald (EUR)"]
    assert rows[-1][-1] == f"{claim.approved_amount}".replace(".", ",")

    # The dashboard: paid beside owed for the quarter of the phases.
    page.goto(page.base_url + "/")
    quarter = page.locator("#dashboard-fees-paid-table tbody tr").first
    cells = quarter.locator("td").all_inner_texts()
    assert quarter.locator("th").inner_text() == "2024 K1"
    assert cells[0] == "8" and cells[2] == paid
