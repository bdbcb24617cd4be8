"""The Dutch administration speaks Dutch, the libraries' pages included (doorstroom.third_party):
django-axes and django-pghistory ship no Dutch, and Django's Dutch lacks the admin index's
headings for screen readers. (The English side: tests/test_translations.py.)"""

import re

import pytest
from django.urls import reverse
from pghistory.models import Events

from doorstroom.third_party import MARKED_BY_THE_LIBRARIES
from tests.test_translations import visible_text

PAGES = [
    "/beheer/",
    "/beheer/axes/accessattempt/",
    "/beheer/axes/accessfailurelog/",
    "/beheer/axes/accesslog/",
    "/beheer/pghistory/events/",
]
# Words of the libraries that are their own translation.
SAME_IN_DUTCH = {"HTTP Accept"}
# What the libraries show without marking it for translation.
UNMARKED = [
    *("Axes", "Pghistory", "Events", "Pgh created at", "Pgh obj model", "Pgh diff"),
    *("Pgh slug", "Pgh model", "Pgh id", "Pgh label", "Pgh data", "Pgh context", "Events object"),
    *("The event model.", "The raw data of the event.", "The context UUID."),
    "event model",
]


@pytest.fixture
def pages_in(admin_client_, seed):
    # A login and a change leave a row in the lists, so their columns are shown.
    admin_client_.get("/beheer/")

    def read(language: str) -> str:
        admin_client_.cookies["django_language"] = language
        texts = []
        # One event's page too (its fields and their help).
        event = Events.objects.order_by("-pgh_created_at", "pgh_model", "-pgh_id").first()
        change = reverse("admin:pghistory_events_change", args=[event.pgh_slug])
        for path in [*PAGES, change]:
            response = admin_client_.get(path, headers={"accept-language": language})
            assert response.status_code == 200, path
            texts.append(visible_text(response.content.decode()))
        return " ".join(texts)

    return read


def test_the_libraries_pages_in_dutch_have_no_english_left(pages_in):
    text = pages_in("nl")
    english = [
        word
        for word in [*MARKED_BY_THE_LIBRARIES, *UNMARKED]
        if word not in SAME_IN_DUTCH and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    ]
    assert english == []
    for dutch in (
        "Aanmeldpogingen",
        "Wijzigingsgeschiedenis",
        "Gebeurtenissen",
        "IP-adres",
        "Sleutel",
    ):
        assert dutch in text


def test_the_same_pages_in_english_keep_the_libraries_words(pages_in):
    text = pages_in("en")
    for english in ("Login attempts", "Change history", "Access logs", "IP Address", "Events"):
        assert english in text
    assert "Aanmeldpogingen" not in text
