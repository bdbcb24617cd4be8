"""The notification pages: one's own notifications only, as many queries for 3 as for 30, the
choices offered by role, and the unread count in the menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doorstroom.roles import Role
from notifications.models import Delivery, Kind, Notification, Preference
from tests.queries import count_queries


def notify(user, number: int, **extra) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=Kind.QUESTION_DEADLINE,
        key=f"question:{number}:near",
        params={"stage": "near", "number": number, "deadline": "2026-03-02"},
        delivery=Delivery.IMMEDIATELY,
        **extra,
    )


def queries(client) -> int:
    """The list's queries, the second of two requests in a row: the first may renew the
    session (once a minute), which has nothing to do with the data."""
    count_queries(client, reverse("notifications:list"))
    return count_queries(client, reverse("notifications:list"))


@pytest.fixture
def editor(make_user):
    return make_user("redactie", Role.EDITOR)


def test_the_list_shows_only_ones_own_in_a_constant_number_of_queries(client, editor, make_user):
    other = make_user("financien", Role.FINANCE)
    client.force_login(editor)
    for number in range(3):
        notify(editor, number)
    notify(other, 99)
    small = queries(client)
    for number in range(3, 30):
        notify(editor, number)
    assert queries(client) == small
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Parlementaire vraag 29 moet beantwoord zijn" in page
    assert "vraag 99" not in page
    assert "30 ongelezen meldingen" in page


def test_marking_read_touches_only_ones_own(client, editor, make_user):
    other = make_user("financien", Role.FINANCE)
    mine, theirs = notify(editor, 1), notify(other, 2)
    client.force_login(editor)
    assert client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark-read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    notify(editor, 3)
    client.post(reverse("notifications:mark-all-read"))
    assert not Notification.objects.filter(user=editor).unread().exists()
    assert Notification.objects.filter(user=other).unread().count() == 1


def test_the_choices_are_those_of_the_role_and_saved_per_user(client, make_user):
    finance = make_user("financien", Role.FINANCE)
    client.force_login(finance)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Schuldvordering wacht op behandeling" in page
    assert "Fase bijna of voorbij" not in page
    # A kind of another role is ignored, a value outside the choices refused.
    data = {Kind.CLAIM_WAITING: "never", Kind.PHASE_DEADLINE: "never", "language": "en"}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert list(Preference.objects.filter(user=finance).values_list("kind", "delivery")) == [
        (Kind.CLAIM_WAITING, Delivery.NEVER)
    ]
    data[Kind.CLAIM_WAITING] = "hourly"
    assert client.post(reverse("notifications:preferences"), data).status_code == 200
    assert Preference.objects.get(user=finance).delivery == Delivery.NEVER


def test_the_menu_shows_the_unread_count(client, editor):
    client.force_login(editor)
    assert 'visually-hidden"> ongelezen' not in client.get(reverse("home")).content.decode()
    notify(editor, 1), notify(editor, 2)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> ongelezen</span>' in page


def test_the_unread_count_is_the_querysets_for_each_user(editor, make_user):
    """The menu's count runs SQL compiled once per process: each user's own unread ones, the
    read and the others' left out, as `filter(user=...).unread().count()` counts them."""
    from django.utils import timezone

    other = make_user("financien", Role.FINANCE)
    for number in range(3):
        notify(editor, number)
    notify(editor, 9, read_at=timezone.now())
    notify(other, 1)
    for user, unread in ((editor, 3), (other, 1), (make_user("leeg", Role.EDITOR), 0)):
        assert Notification.objects.unread_count(user) == unread
        assert Notification.objects.filter(user=user).unread().count() == unread
