"""What the application told whom: reminders and retention notices, each user's choice per kind,
the language their e-mails are written in, and the record of every retention run.

A notification names things by pseudonymous references only (a worker's reference, a
trajectory's, phase's or claim's number): it is e-mailed, and e-mail leaves the application.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PHASE_DEADLINE = "phase_deadline", _("Phase near or past its maximum duration")
    QUESTION_DEADLINE = "question_deadline", _("Parliamentary question near its deadline")
    CLAIM_WAITING = "claim_waiting", _("Claim waiting for review")
    RETENTION = "retention", _("Retention of personal data")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("immediately, one e-mail each")
    DAILY_DIGEST = "daily_digest", _("in a daily digest")
    NEVER = "never", _("not at all")


# What a user gets before choosing: the many phase reminders of a provider once a day, the rest
# at once.
DEFAULT_DELIVERY = {
    Kind.PHASE_DEADLINE: Delivery.DAILY_DIGEST,
    Kind.QUESTION_DEADLINE: Delivery.IMMEDIATELY,
    Kind.CLAIM_WAITING: Delivery.IMMEDIATELY,
    Kind.RETENTION: Delivery.IMMEDIATELY,
}


@functools.cache
def _unread_count_sql(alias: str) -> str:
    """The SQL of the unread count with the user's key as its one parameter."""
    grouped = (
        Notification.objects.using(alias)
        .filter(user_id=0)
        .unread()
        .values("user_id")
        .annotate(unread=Count("pk"))
        .values("unread")
    )
    sql, params = grouped.query.sql_with_params()
    if params != (0,):
        raise AssertionError(f"the unread count takes the user's key alone, not {params}")
    return sql


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user).order_by("-created_at", "-pk")

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def unread_count(self, user) -> int:
        """The user's unread notifications, for the navigation of every page: the query of
        `filter(user=user).unread().count()`, compiled once per process (building it cost
        0.4 ms a page, three times running it)."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(_unread_count_sql(self.db), [user.pk])
            row = cursor.fetchone()
        return row[0] if row else 0

    def to_email(self, delivery: str) -> NotificationQuerySet:
        return self.filter(delivery=delivery, emailed_at__isnull=True)


class Notification(models.Model):
    """One thing told to one user, once: the constraint on (user, kind, key) is the record of
    what was notified, so a second run, or a second worker, finds it there and adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What it is about and at which stage, e.g. "phase:12:past": never a name.
    key = models.CharField(_("about"), max_length=100)
    # The pseudonymous references and dates the text is made of, in the reader's language
    # when shown (notifications.texts).
    params = models.JSONField(default=dict)
    url = models.CharField(_("link"), max_length=200, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="notification_once_per_user_kind_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="notification_kind_known",
                violation_error_message=_(
                    "This notification has an unknown kind; only the application makes "
                    "notifications."
                ),
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=[Delivery.IMMEDIATELY, Delivery.DAILY_DIGEST]),
                name="notification_delivered_somehow",
                violation_error_message=_(
                    "A notification is delivered at once or in the daily digest; none is "
                    "made for a kind that is not delivered at all."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["delivery"],
                condition=Q(emailed_at__isnull=True),
                name="notification_to_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.key}"


class Preference(models.Model):
    """How a user wants one kind of notification; without a row, DEFAULT_DELIVERY."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values),
                name="preference_delivery_known",
                violation_error_message=_(
                    "Choose from the list how this kind of notification is delivered."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_delivery_display()}"


class UserLanguage(models.Model):
    """The language a user's e-mails are written in (the site's own choice lives in a cookie,
    which a task run at night cannot read)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("language of e-mails")
        verbose_name_plural = _("languages of e-mails")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


class RetentionNotice(models.Model):
    """A worker whose personal data are due to be erased, and since when administrators know:
    erasure waits until the notice is RETENTION_NOTICE_DAYS old."""

    worker = models.OneToOneField(
        "trajectories.Worker", on_delete=models.CASCADE, related_name="retention_notice"
    )
    due_on = models.DateField(_("erased after"))
    noticed_on = models.DateField(_("listed on"))

    class Meta:
        verbose_name = _("retention notice")
        verbose_name_plural = _("retention notices")

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.due_on}"


class RetentionRun(models.Model):
    """One run of the retention task, in counts only (never who)."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    noticed_count = models.PositiveIntegerField(_("workers listed"))
    erased_count = models.PositiveIntegerField(_("workers erased"))
    years = models.PositiveSmallIntegerField(_("years kept"))

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {self.noticed_count} / {self.erased_count}"
