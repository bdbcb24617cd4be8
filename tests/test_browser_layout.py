"""Every page at a phone's width (375 px) and a laptop's (1366 px), in both languages.

On each page: the page itself never scrolls sideways (a wide table scrolls in its own box), the
last item of the menu is in view, nothing sticks out of its card, every text of a chart lies
inside the picture, and axe-core finds no WCAG A/AA violation (on the application's pages; the
admin's are Django's markup, whose link styles axe faults). A screenshot of every page is
written to var/screenshots/layout/ to be looked at (README, Development).
"""

from __future__ import annotations

import pytest

from tests.browser_support import SCREENSHOTS, accessibility_violations, log_in

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/mandaten/",
    "/mandaten/6441/",
    "/proeftuinen/",
    "/proeftuinen/{pilot}/",
    "/proeftuinen/overzicht/",
    "/proeftuinen/doorstroom-met-zorg/",
    "/trajecten/",
    "/trajecten/{trajectory}/",
    "/trajecten/termijnen/",
    "/trajecten/uren/",
    "/trajecten/gezondheidsindex/",
    "/trajecten/import/",
    "/vragen/",
    "/vragen/{question}/",
    "/exports/",
    "/beheer/",
    "/beheer/mandates/mandate/",
    "/beheer/mandates/mandate/{mandate}/change/",
    "/beheer/mandates/mandate/{mandate}/history/",
    "/beheer/trajectories/trajectory/",
    "/beheer/trajectories/trajectory/{trajectory}/history/",
]

# Measured in the page: what sticks out where (an empty list is a page that fits).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  const last = document.querySelector(".site-header nav li:last-child a");
  if (last) {
    const box = last.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.right > width) {
      problems.push(`last menu item out of view: ${box.left}-${box.right} of ${width}`);
    }
  }
  for (const card of document.querySelectorAll(
      ".dashboard-section, .facts, .filters, .action-form, .login, .messages li")) {
    if (card.scrollWidth > card.clientWidth + 1) {
      problems.push(`content wider than its card ${card.id || card.className}: ` +
                    `${card.scrollWidth} > ${card.clientWidth}`);
    }
  }
  for (const svg of document.querySelectorAll("svg.chart")) {
    const view = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBBox();
      if (box.x < view.x - 1 || box.x + box.width > view.x + view.width + 1) {
        problems.push(`chart text cut off: "${text.textContent}" in ` +
                      svg.getAttribute("aria-label"));
      }
    }
  }
  return problems;
}"""


@pytest.fixture
def demo_data(seeded):
    from trajectories.demo import demo_generate

    demo_generate(count=60, seed=1)


def page_paths() -> list[str]:
    from mandates.models import Mandate
    from pilots.models import Pilot
    from questions.models import ParliamentaryQuestion
    from trajectories.models import Trajectory

    ids = {
        "pilot": Pilot.objects.order_by("pk").first().pk,
        "question": ParliamentaryQuestion.objects.get(number=35).pk,
        "trajectory": Trajectory.objects.filter(phases__isnull=False).order_by("pk").first().pk,
        "mandate": Mandate.objects.get(project_number=6441).pk,
    }
    return [path.format(**ids) for path in PAGES]


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("width", [375, 1366])
def test_every_page_fits_the_screen(page, staff, demo_data, width, language):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    folder = SCREENSHOTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for pattern, path in zip(PAGES, page_paths(), strict=True):
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        found = page.evaluate(LAYOUT_PROBLEMS)
        # The markup is the same in English. The admin is Django's own markup and styles.
        if language == "nl-be" and not path.startswith("/beheer/"):
            found += accessibility_violations(page)
        if found:
            problems[path] = found
        # Named after the pattern, not the record (whose key changes from run to run).
        slug = pattern.strip("/").replace("/", "_").replace("{", "").replace("}", "")
        slug = slug or "dashboard"
        page.screenshot(path=folder / f"{language}-{width}-{slug}.png", full_page=True)
    assert not problems, "\n".join(f"{p}: {found}" for p, found in problems.items())
