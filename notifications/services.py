"""Writes of notifications: adding one (once, as the user chose), a user's choices and language,
marking read. Typed, keyword-only, no request (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from doorstroom import roles
from doorstroom.roles import Role
from notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    Notification,
    Preference,
    UserLanguage,
)

# Who is told of what: the role whose work it is (doorstroom.roles).
KINDS_OF_ROLE: dict[Role, tuple[Kind, ...]] = {
    Role.PROVIDER: (Kind.PHASE_DEADLINE,),
    Role.EDITOR: (Kind.QUESTION_DEADLINE,),
    Role.FINANCE: (Kind.CLAIM_WAITING,),
    Role.ADMINISTRATOR: (Kind.RETENTION,),
}


def kinds_for(user) -> tuple[Kind, ...]:
    return KINDS_OF_ROLE.get(roles.role_of(user), ())


def users_with_role(role: Role) -> list:
    """Active users whose role (the strongest of their groups) is this one."""
    users = get_user_model().objects.filter(is_active=True).select_related("scope")
    if role == Role.ADMINISTRATOR:
        users = users.filter(is_superuser=True) | users.filter(groups__name=role.value)
    else:
        users = users.filter(groups__name=role.value)
    return [user for user in users.distinct().order_by("pk") if roles.role_of(user) == role]


def deliveries(*, users: Iterable, kind: Kind) -> dict[int, str]:
    """Each user's choice for this kind (pk -> Delivery), the default where none was made."""
    ids = [user.pk for user in users]
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY[kind]) for pk in ids}


@dataclass(frozen=True)
class Item:
    """One thing to tell: its key (what and at which stage), parameters and link."""

    key: str
    params: dict
    url: str = ""


def notifications_add(*, users: Iterable, kind: Kind, items: Iterable[Item]) -> int:
    """Tell each of `users` each item, as each chose; a thing already told (the same user, kind
    and key) is skipped by the database's constraint, so two runs at once add it once. Returns
    how many were added."""
    users, items = list(users), list(items)
    if not users or not items:
        return 0
    choice = deliveries(users=users, kind=kind)
    rows = [
        Notification(
            user=user,
            kind=kind,
            key=item.key,
            params=item.params,
            url=item.url,
            delivery=choice[user.pk],
        )
        for user in users
        if choice[user.pk] != Delivery.NEVER
        for item in items
    ]
    before = Notification.objects.filter(kind=kind).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Notification.objects.filter(kind=kind).count() - before


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str], language: str) -> None:
    """The user's delivery per kind (only the kinds of their role) and language of e-mails."""
    for kind in kinds_for(user):
        if kind in choices:
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": Delivery(choices[kind])}
            )
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    UserLanguage.objects.update_or_create(user=user, defaults={"language": language})


def language_of(user) -> str:
    row = UserLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    return row or settings.LANGUAGE_CODE


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications read (or all, without `pk`); another user's is
    never touched. Returns how many changed."""
    unread = Notification.objects.filter(user=user).unread()
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
