"""E-mailing notifications through Django's mail API, in each user's language.

Each notification is e-mailed once: the rows to send are locked (FOR UPDATE SKIP LOCKED) and
marked sent in the same transaction, so a second worker sending at the same moment skips them,
and a failed delivery leaves them unsent for the next run.
"""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Delivery, Notification
from notifications.services import language_of
from notifications.texts import notification_text


def message_build(
    *, user, notifications: list[Notification], digest: bool
) -> EmailMultiAlternatives:
    """One e-mail to `user` telling `notifications`, written in the user's language."""
    with translation.override(language_of(user)):
        context = {
            "digest": digest,
            "items": [
                {
                    "text": notification_text(n),
                    "url": settings.SITE_URL + n.url if n.url else "",
                    "kind": n.get_kind_display(),
                }
                for n in notifications
            ],
            "list_url": settings.SITE_URL + reverse("notifications:list"),
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        }
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/body.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("notifications/email/body.html", context), "text/html"
        )
    return message


def notifications_email(*, delivery: Delivery) -> int:
    """E-mail what waits to be e-mailed with this delivery: one e-mail per notification
    (immediately) or one per user (the daily digest). Returns the number of e-mails sent."""
    digest = delivery == Delivery.DAILY_DIGEST
    with transaction.atomic():
        pending = list(
            Notification.objects.to_email(delivery)
            .exclude(user__email="")
            .filter(user__is_active=True)
            .select_related("user")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("user_id", "created_at", "pk")
        )
        if not pending:
            return 0
        messages = []
        for _user_id, group in groupby(pending, key=lambda n: n.user_id):
            group = list(group)
            batches = [group] if digest else [[n] for n in group]
            messages += [
                message_build(user=group[0].user, notifications=batch, digest=digest)
                for batch in batches
            ]
        with get_connection() as connection:
            sent = connection.send_messages(messages)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    return sent or 0
