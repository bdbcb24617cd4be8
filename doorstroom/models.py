from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UserScope(models.Model):
    """The part of the data a provincial staff member or a provider user works on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope"
    )
    province = models.ForeignKey(
        "mandates.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For provincial staff: the province whose records they see and edit."),
    )
    organisation = models.ForeignKey(
        "mandates.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For provider users: the organisation whose mandates' trajectories they see."),
    )

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")
        constraints = [
            # One scope at a time: a province or an organisation, never both.
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(organisation__isnull=True),
                name="user_scope_province_or_organisation",
                violation_error_message=_(
                    "A scope is a province or an organisation, not both: leave one of them empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.province or self.organisation or "—")


class PersonalDataAccess(models.Model):
    """Who looked at or exported data about individual workers, when, and what exactly.

    Rows name the page or export and its filters, never the data itself (no names, no INSZ).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=500)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.subject}"


class AuditLink(models.Model):
    """One link of the audit trail's hash chain: an event (or context) and its place in the chain.

    Written only by the database (doorstroom/auditdb.py), at commit, as the owner role.
    """

    seq = models.BigIntegerField(primary_key=True)
    event_table = models.CharField(max_length=63)
    event_key = models.CharField(max_length=40)
    hash = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_table", "event_key"], name="audit_link_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seq}: {self.event_table} {self.event_key}"


class AccountVersion(models.Model):
    """The version of a user or a group, which Django's own models have no field for: raised by
    the database on every change of the account, of its groups and permissions and of a user's
    scope (migration 0004), and read by the one optimistic lock (doorstroom.concurrency)."""

    table = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "row_id"], name="account_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.row_id}: {self.version}"


# The jobs' models live in their package (doorstroom/jobs/); the app's models are all here.
from doorstroom.jobs.models import Job, JobStatus  # noqa: E402, F401
