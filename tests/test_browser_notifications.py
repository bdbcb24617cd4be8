"""The notifications as a person uses them in headless Chromium, in Dutch and English, at a
phone's width and a laptop's: the unread count in the menu, the list, marking read, and the
choices per kind saved and used by the next reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from doorstroom.roles import Role
from notifications.models import Delivery, Kind, Notification, Preference, UserLanguage
from tests.browser_support import (
    PASSWORD,
    SCREENSHOTS,
    accessibility_violations,
    log_in,
    table_rows,
)

pytestmark = pytest.mark.browser

LABELS = {
    "nl-be": {
        "menu": "Hoofdnavigatie",
        "link": "Meldingen",
        "read": "Als gelezen markeren",
        "settings": "Kies welke meldingen u krijgt, en hoe",
        "kind": "Parlementaire vraag bijna op haar termijn",
        "digest": "in een dagelijks overzicht",
        "language": "Taal van de e-mails",
        "save": "Opslaan",
        "saved": "Uw keuzes zijn opgeslagen.",
        "text": "Parlementaire vraag 35 moet beantwoord zijn op 02/03/2026.",
    },
    "en": {
        "menu": "Main navigation",
        "link": "Notifications",
        "read": "Mark read",
        "settings": "Choose which notifications you receive, and how",
        "kind": "Parliamentary question near its deadline",
        "digest": "in a daily digest",
        "language": "Language of e-mails",
        "save": "Save",
        "saved": "Your choices are saved.",
        "text": "Parliamentary question 35 is due on 02/03/2026.",
    },
}


@pytest.fixture
def editor(seeded):
    user = get_user_model().objects.create_user(username="redactie", password=PASSWORD)
    user.groups.add(Group.objects.get(name=Role.EDITOR.value))
    for number in (35, 36):
        Notification.objects.create(
            user=user,
            kind=Kind.QUESTION_DEADLINE,
            key=f"question:{number}:near",
            params={"stage": "near", "number": number, "deadline": "2026-03-02"},
            url="/vragen/",
            delivery=Delivery.IMMEDIATELY,
        )
    return user


@pytest.mark.parametrize("lang", ["nl-be", "en"])
@pytest.mark.parametrize("width", [375, 1366])
def test_the_list_and_the_choices_in_both_languages(page, editor, width, lang):
    words = LABELS[lang]
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "redactie")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": page.base_url}])
    page.reload()
    menu = page.get_by_role("navigation", name=words["menu"])
    link = menu.get_by_role("link", name=words["link"])
    assert link.inner_text().split()[:2] == [words["link"], "2"]  # the unread count
    link.click()
    page.wait_for_load_state()
    rows = table_rows(page)
    assert len(rows) == 2 and any(words["text"] in " ".join(row) for row in rows)
    assert not accessibility_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"notifications-{lang}-{width}.png", full_page=True)

    page.get_by_role("button", name=words["read"], exact=True).first.click()
    page.wait_for_load_state()
    assert menu.get_by_role("link", name=words["link"]).inner_text().split()[:2] == [
        words["link"],
        "1",
    ]
    assert Notification.objects.filter(user=editor, read_at__isnull=True).count() == 1

    page.get_by_role("link", name=words["settings"]).click()
    page.wait_for_load_state()
    group = page.get_by_role("group", name=words["kind"])
    group.get_by_label(words["digest"]).check()
    page.get_by_label(words["language"]).select_option("en")
    assert not accessibility_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENSHOTS / f"notification-settings-{lang}-{width}.png", full_page=True)
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_load_state()
    assert page.get_by_text(words["saved"]).is_visible()
    assert Preference.objects.get(user=editor, kind=Kind.QUESTION_DEADLINE).delivery == (
        Delivery.DAILY_DIGEST
    )
    assert UserLanguage.objects.get(user=editor).language == "en"
    # The choice holds for the next reminder: added for the digest, not e-mailed at once.
    from notifications.services import Item, notifications_add

    notifications_add(
        users=[editor],
        kind=Kind.QUESTION_DEADLINE,
        items=[
            Item(
                key="question:37:near",
                params={"stage": "near", "number": 37, "deadline": str(dt.date(2026, 3, 2))},
            )
        ],
    )
    assert Notification.objects.get(user=editor, key="question:37:near").delivery == (
        Delivery.DAILY_DIGEST
    )
