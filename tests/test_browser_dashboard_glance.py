"""The dashboard at a glance, in headless Chromium: the headline figures and the role's to-do
in the first screen of a laptop (1366x768) in both languages, nothing sideways on a phone
(375 px), and a headline figure leads to a listing that shows the same number."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from doorstroom.models import UserScope
from doorstroom.roles import Role
from mandates.models import Mandate
from questions.models import ParliamentaryQuestion
from tests.browser_support import PASSWORD, SCREENSHOTS, log_in
from trajectories.demo import demo_generate

pytestmark = pytest.mark.browser

HEADLINES = {
    "nl-be": ("Lopende trajecten", "Te doen", "Parlementaire vragen te beantwoorden"),
    "en": ("Running trajectories", "To do", "Parliamentary questions due"),
}


@pytest.fixture
def world(seeded):
    demo_generate(count=150, seed=1)
    today = timezone.localdate()
    ParliamentaryQuestion.objects.create(
        number=912,
        date=today - dt.timedelta(days=20),
        asked_by="Jan Peeters",
        addressed_to="Minister van Werk",
        subject="Doorstroom in Limburg",
        deadline=today + dt.timedelta(days=5),
    )
    provider = get_user_model().objects.create_user(username="aanbieder", password=PASSWORD)
    provider.groups.add(Group.objects.get(name=Role.PROVIDER.value))
    promoter = Mandate.objects.get(project_number=7887).promoter
    UserScope.objects.create(user=provider, organisation=promoter)
    return provider


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768


def open_dashboard(page, username: str, language: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, username)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(page.base_url + "/")


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("username", ["medewerker", "aanbieder"])
def test_the_figures_and_the_to_do_are_in_the_first_screen(page, staff, world, language, username):
    open_dashboard(page, username, language, 1366, 768)
    running, todo, questions = HEADLINES[language]
    assert page.locator("#tile-running .tile-label").inner_text() == running
    assert page.locator("#todo-title").inner_text() == todo
    assert in_first_screen(page, ".tiles")
    assert in_first_screen(page, "#todo")
    if username == "medewerker":  # the administrator: every tile, the questions among them
        assert page.locator(".tile").count() == 4
        assert page.locator("#todo-questions h3").inner_text().startswith(questions)
    else:  # the provider: its own phases to act on, no questions (not its work)
        assert page.locator(".tile").count() == 3
        assert page.locator("#todo-phases li a").count() >= 1
        assert page.locator("#todo-questions").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"dashboard-glance-{username}-{language}-1366.png")
    trends = SCREENSHOTS / f"dashboard-trends-{username}-{language}-1366.png"
    page.locator(".trends").screenshot(path=trends)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_nothing_runs_off_a_phone_screen(page, staff, world, language):
    open_dashboard(page, "medewerker", language, 375, 800)
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0
    # Every chart fits its box: none is wider than the screen.
    widths = page.locator("svg.chart").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= 375
    page.screenshot(path=SCREENSHOTS / f"dashboard-glance-{language}-375.png")
    page.locator(".trends").screenshot(path=SCREENSHOTS / f"dashboard-trends-{language}-375.png")


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_a_headline_figure_leads_to_a_listing_with_the_same_number(page, staff, world):
    open_dashboard(page, "medewerker", "nl-be", 1366, 768)
    running = number(page.locator("#tile-running .tile-value").inner_text())
    page.locator("#tile-running").click()
    page.wait_for_load_state()
    assert "status=lopend" in page.url
    assert number(page.get_by_text(re.compile(r"^\d[\d.]* traject")).first.inner_text()) == running

    page.goto(page.base_url + "/")
    deadlines = number(page.locator("#tile-deadlines .tile-value").inner_text())
    page.locator("#tile-deadlines").click()
    page.wait_for_load_state()
    assert number(page.locator("#deadline-count").inner_text()) == deadlines

    page.goto(page.base_url + "/")
    page.locator("#tile-questions").click()
    page.wait_for_load_state()
    assert page.locator("#question-count").inner_text() == "1 vraag"
