"""The follow-up "Doorstroom met Zorg" (answer 3): the care homes engaged and the results
reported."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Organisation
from pilots.models.pilots import UNKNOWN_LABEL, Assignment


class CareEngagementRole(models.TextChoices):
    TOTAL = "total", _("all engagements together")
    CARE_GROUP = "group", _("care group")
    CARE_HOMES = "homes", _("care homes")
    FEDERATION = "federation", _("federation or sector organisation")
    UMBRELLA = "umbrella", _("umbrella organisation")


class CareEngagementPhase(models.TextChoices):
    ENGAGED = "engaged", _("engagement")
    FIRST_PHASE = "first-phase", _("first phase: pilots")
    INVOLVED = "involved", _("involved in the assignment")


class CountQualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    MORE_THAN = "more-than", _("more than")
    TARGET = "target", _("aimed at")


class CareEngagementQuerySet(models.QuerySet):
    def for_listing(self) -> CareEngagementQuerySet:
        return self.select_related("assignment", "organisation").order_by(
            "assignment__position", "position"
        )


class CareEngagement(models.Model):
    """An engagement in "Doorstroom met Zorg" (answer 3): a group, care homes, a federation."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="care_engagements",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_engagements",
    )
    name_as_written = models.CharField(_("as written"), max_length=300)
    role = models.CharField(_("role"), max_length=20, choices=CareEngagementRole.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=CareEngagementPhase.choices)
    # "meer dan 200" is a lower bound, "7 rusthuizen" a target: the qualifier keeps the meaning.
    care_homes = models.PositiveIntegerField(_("number of care homes"), null=True, blank=True)
    care_homes_qualifier = models.CharField(
        _("the number is"), max_length=20, choices=CountQualifier.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CareEngagementQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("care engagement")
        verbose_name_plural = _("care engagements")
        ordering = ["assignment", "position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_as_written=""),
                name="care_engagement_name_not_empty",
                violation_error_message=_(
                    "Write the organisation's name as the source writes it; it cannot be empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(care_homes__isnull=True, care_homes_qualifier="")
                # isnull=False spelled out: "NULL >= 0" is NULL, which a CHECK lets through.
                | Q(
                    care_homes__isnull=False,
                    care_homes__gte=0,
                    care_homes_qualifier__in=CountQualifier.values,
                ),
                name="care_engagement_number_has_qualifier",
                violation_error_message=_(
                    "Give the number of care homes together with what kind of number it is "
                    "(exactly, more than, aimed at), or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(role__in=CareEngagementRole.values),
                name="care_engagement_role_valid",
                violation_error_message=_("Choose a role from the list."),
            ),
            models.CheckConstraint(
                condition=Q(phase__in=CareEngagementPhase.values),
                name="care_engagement_phase_valid",
                violation_error_message=_("Choose a phase from the list."),
            ),
            models.UniqueConstraint(
                fields=["assignment", "organisation", "phase"],
                name="care_engagement_once_per_phase",
            ),
            models.UniqueConstraint(
                fields=["assignment", "name_as_written"], name="care_engagement_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name_as_written

    @property
    def care_homes_label(self) -> str:
        """The number as the source means it: 'meer dan 200', 'streefdoel 7', or 'onbekend';
        a dash for federations and umbrella organisations, which run no care homes."""
        if self.role in (CareEngagementRole.FEDERATION, CareEngagementRole.UMBRELLA):
            return "—"
        if self.care_homes is None:
            return str(UNKNOWN_LABEL)
        if self.care_homes_qualifier == CountQualifier.EXACT:
            return str(self.care_homes)
        return f"{self.get_care_homes_qualifier_display()} {self.care_homes}"
