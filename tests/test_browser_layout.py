"""Every page at a phone's width (375 px) and a laptop's (1366 px), in both languages.

The pages are found from the URL patterns (tests/layout_pages.py): a pattern with no case and no
written reason fails. On each page: the page itself never scrolls sideways (a wide table scrolls
in its own box), the last item of the menu is in view, nothing sticks out of its card, every
text of a chart lies inside the picture, and axe-core finds no WCAG A/AA violation (on the
application's pages and the admin's index and a change list, in both languages). A screenshot
of every page is written to var/screenshots/layout/ to be looked at (README, Development).
"""

from __future__ import annotations

import pytest

from tests.browser_support import SCREENSHOTS, accessibility_violations, log_in
from tests.layout_pages import (
    AXE_IN_THE_ADMIN,
    NOT_PAGES,
    PAGES,
    WIDER_THAN_THE_SCREEN,
    cases,
    page_paths,
    url_patterns,
)

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


def test_every_url_pattern_is_a_page_to_open_or_has_a_reason_not_to():
    opened, unexplained = cases()
    assert not unexplained, "\n".join(f"{r}: {why}" for r, why in unexplained.items())
    # The pages the audit found missing are among them, and every model's change list.
    assert {"questions:pack-detail", "questions:pack-html", "trajectories:import-detail"} <= set(
        opened
    )
    assert "admin:pilots_careengagement_changelist" in opened
    # No case or reason is left over for a pattern that is gone.
    names = {pattern.name for pattern in url_patterns()}
    assert set(PAGES) | set(NOT_PAGES) <= names, (set(PAGES) | set(NOT_PAGES)) - names


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("width", [375, 1366])
def test_every_page_fits_the_screen(page, staff, demo_data, width, language):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    folder = SCREENSHOTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, path in page_paths():
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        found = page.evaluate(LAYOUT_PROBLEMS)
        if name in WIDER_THAN_THE_SCREEN:
            found = [f for f in found if not f.startswith("page scrolls sideways")]
        if not name.startswith("admin:") or name in AXE_IN_THE_ADMIN:
            found += accessibility_violations(page)
        if found:
            problems[path] = found
        # Named after the pattern, not the record (whose key changes from run to run).
        slug = name.replace(":", "-")
        page.screenshot(path=folder / f"{language}-{width}-{slug}.png", full_page=True)
    assert not problems, "\n".join(f"{p}: {found}" for p, found in problems.items())
