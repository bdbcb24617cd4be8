"""Fixtures for browser tests: a live server, Debian's headless Chromium driven by Playwright,
an axe-core accessibility check, and a screenshot of the page when a test fails.

Playwright must use the system browser (no browser can be downloaded here). Without Chromium
the tests are skipped on a developer's machine, but fail in CI, where .ci/run installs it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from doorstroom.seeds import load_all

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "browser-test-wachtwoord-2026"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run should have installed it")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(accept_downloads=True, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def seeded(transactional_db):
    load_all()


@pytest.fixture
def staff(transactional_db):
    return get_user_model().objects.create_user(
        username="medewerker", password=PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(page, username: str = "medewerker", password: str = PASSWORD) -> None:
    page.goto(page.base_url + "/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


def accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the current page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
    ]


def table_rows(page, selector: str | None = "main table") -> list[list[str]]:
    """The text of each cell of each body row of the first table matching `selector` (or of
    `page` itself, a table's locator, without one)."""
    table = page if selector is None else page.locator(selector).first
    body_rows = table.locator("tbody tr")
    return [
        [cell.strip() for cell in body_rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(body_rows.count())
    ]


def download(page, link, folder: Path) -> Path:
    """Click `link` (or button) as a person would and keep the file it downloads."""
    with page.expect_download() as download_info:
        link.click()
    path = folder / download_info.value.suggested_filename
    download_info.value.save_as(path)
    return path


def make_answer_pack(page, folder: Path) -> Path:
    """On a question's page: ask for its pack, watch the progress bar until the page (reloaded
    by its script) says the pack is ready, and download it. Needs a running job worker."""
    page.get_by_role("button", name="Antwoordpakket maken (XLSX, CSV, HTML)").click()
    page.wait_for_load_state()
    ready = page.get_by_text("Het antwoordpakket is klaar.")
    if not ready.is_visible():
        assert page.locator("progress").is_visible()
        ready.wait_for(timeout=90_000)
    status = page.get_by_role("status").filter(has=ready)
    return download(page, status.get_by_role("link", name="Downloaden"), folder)


def csv_rows(path: Path) -> list[list[str]]:
    """A downloaded CSV in either dialect: Excel's (BOM, semicolons) or RFC 4180's."""
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if text.startswith("\ufeff") else ","
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def amount(text: str) -> Decimal:
    """An amount as a Belgian reads it, on a page or in an Excel CSV: 4.200,00 or 4200,00."""
    return Decimal(text.replace(".", "").replace(",", "."))
