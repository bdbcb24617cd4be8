"""The admin's sidebar at a laptop's width (1366 px), in Dutch: long model names stay whole."""

import pytest
from django.conf import settings

from tests.browser_support import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

# The text of the link's one text node: one rectangle per line it takes.
LINES = """link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    return range.getClientRects().length;
}"""


def test_the_sidebar_breaks_no_word_in_the_middle(page, seeded, staff):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page)
    page.goto(page.base_url + "/beheer/trajectories/phaserecord/")
    sidebar = page.locator("#nav-sidebar")
    link = sidebar.get_by_role("link", name="Vergoedingsregelingen", exact=True)
    assert link.evaluate(LINES) == 1
    style = link.evaluate("a => getComputedStyle(a.closest('th')).overflowWrap")
    assert style == "normal"
    # No name wider than the sidebar either.
    assert sidebar.evaluate("s => s.scrollWidth <= s.clientWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-sidebar-nl-1366.png"))
    assert settings.LANGUAGE_CODE == "nl-be"
