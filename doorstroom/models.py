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
            ),
        ]

    def __str__(self) -> str:
        return str(self.province or self.organisation or "—")
