"""The pilots (proeftuinen) 2017-2018 of answer 2: sectors, service providers' assignments,
the pilots and the companies that took part."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, F, Min, Prefetch, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Organisation

UNKNOWN_LABEL = _("unknown")


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # The order in which answer 2b lists the sectors (Zorg, Retail, Logistiek, ...).
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="sector_name_not_empty",
                violation_error_message=_("A sector needs a name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def care_follow_up(self) -> AssignmentQuerySet:
        return self.filter(is_care_follow_up=True)


class Assignment(models.Model):
    """An assignment (opdracht) of the department to an external service provider."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    # Doorstroom met Zorg names no provider in the source: unknown, not invented.
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("service provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pilot_assignments",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    period_as_written = models.CharField(
        _("period as the source writes it"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'opgestart in 2017, liep tot eind 2018' when no exact day is known."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    is_care_follow_up = models.BooleanField(
        _("follow-up Doorstroom met Zorg"),
        default=False,
        help_text=_("The follow-up assignment of the care pilot (answer 3)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = AssignmentQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="assignment_end_not_before_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="assignment_title_not_empty",
                violation_error_message=_("An assignment needs a title."),
            ),
            # Only one assignment can be "the" follow-up whose engagements the care page shows.
            models.UniqueConstraint(
                fields=["is_care_follow_up"],
                condition=Q(is_care_follow_up=True),
                name="assignment_one_care_follow_up",
                violation_error_message=_("There already is a follow-up Doorstroom met Zorg."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PilotStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    ENDED = "ended", _("ended")


class PilotOutcome(models.TextChoices):
    # Blank is "not stated": the source says nothing about this pilot's result.
    ENGAGEMENT_ONLY = "engagement", _("engagement only")
    COOPERATION = "cooperation", _("cooperation")
    INTERNSHIP = "internship", _("internship realised")
    NOT_REALISED = "not-realised", _("not realised")


class ParticipantSide(models.TextChoices):
    # Blank is "not stated in the source".
    SOCIAL = "SEC", _("social economy")
    REGULAR = "REC", _("regular economy")
    OTHER = "other", _("other (federation, public body)")


class PilotQuerySet(models.QuerySet):
    def for_listing(self) -> PilotQuerySet:
        """What the listing, the detail page and the exports show, in the source's order."""
        return (
            self.select_related("sector", "assignment", "assignment__provider")
            .annotate(
                named_organisations=Count("participants__organisation", distinct=True),
                unnamed_groups=Count("participants", filter=Q(participants__organisation=None)),
            )
            .order_by("source_order")
        )

    def with_participants(self) -> PilotQuerySet:
        """The participants too, in the source's order (the detail page lists them)."""
        return self.prefetch_related(
            Prefetch(
                "participants",
                queryset=PilotParticipant.objects.select_related("organisation").order_by(
                    "position"
                ),
            )
        )

    def overview(self) -> list[dict]:
        """Counts per sector and service provider, in the order of answer 2b.

        Workers: a total only when every pilot in the cell has a known number; a single unknown
        makes the cell unknown (None), since adding an unknown to a known number gives no total.
        Pilots and participants are counted in two queries: summing workers over a join with
        the participants would count each pilot once per participant.
        """
        cell = ("sector_id", "assignment__provider_id")
        pilots = (
            self.order_by()
            .values(*cell, "sector__name", provider_name=F("assignment__provider__name"))
            .annotate(
                pilots=Count("id"),
                workers_known=Sum("workers_involved"),
                workers_missing=Count("id", filter=Q(workers_involved__isnull=True)),
                first=Min("source_order"),
            )
            .order_by("first")
        )
        participants = {
            (row["pilot__sector_id"], row["pilot__assignment__provider_id"]): row
            for row in PilotParticipant.objects.filter(pilot__in=self.values("pk"))
            .order_by()
            .values("pilot__sector_id", "pilot__assignment__provider_id")
            .annotate(
                organisations=Count("organisation", distinct=True),
                groups=Count("id", filter=Q(organisation__isnull=True)),
            )
        }
        result = []
        for row in pilots:
            counted = participants.get(
                (row["sector_id"], row["assignment__provider_id"]),
                {"organisations": 0, "groups": 0},
            )
            result.append(
                {
                    "sector": row["sector__name"],
                    "provider": row["provider_name"],
                    "pilots": row["pilots"],
                    "organisations": counted["organisations"],
                    # Unnamed groups ("Tuinaannemers (REC)") have an unknown size.
                    "organisations_at_least": counted["groups"] > 0,
                    "workers": None if row["workers_missing"] else (row["workers_known"] or 0),
                }
            )
        return result


class Pilot(models.Model):
    """One participation line of answer 2b: a pilot within an assignment, in one sector."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="pilots"
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="pilots"
    )
    participation = models.CharField(
        _("participating organisations as written"),
        max_length=300,
        help_text=_("The line exactly as the source writes it, e.g. 'Ryhove & Zeeman'."),
    )
    # Row number in the table of answer 2b, so the table can be reproduced row for row.
    source_order = models.PositiveSmallIntegerField(_("row in the source table"), unique=True)
    setup = models.TextField(_("set-up"), blank=True)
    companies_involved = models.PositiveIntegerField(
        _("number of companies involved"),
        null=True,
        blank=True,
        help_text=_("Leave empty while unknown; empty is not zero."),
    )
    workers_involved = models.PositiveIntegerField(
        _("number of workers involved"),
        null=True,
        blank=True,
        help_text=_("Leave empty while unknown; empty is not zero."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PilotStatus.choices, default=PilotStatus.ENDED
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=PilotOutcome.choices, blank=True
    )
    outcome_notes = models.TextField(_("notes on the outcome"), blank=True)

    objects = PilotQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["source_order"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(participation=""),
                name="pilot_participation_not_empty",
                violation_error_message=_(
                    "Write the participating organisations as the source writes them; they "
                    "cannot be empty."
                ),
            ),
            # PositiveIntegerField already checks >= 0; named here so the rule is explicit.
            models.CheckConstraint(
                condition=Q(companies_involved__isnull=True) | Q(companies_involved__gte=0),
                name="pilot_companies_not_negative",
                violation_error_message=_("A number of companies cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(workers_involved__isnull=True) | Q(workers_involved__gte=0),
                name="pilot_workers_not_negative",
                violation_error_message=_("A number of workers cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *PilotOutcome.values]),
                name="pilot_outcome_valid",
                violation_error_message=_("Choose an outcome from the list, or leave it empty."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PilotStatus.values),
                name="pilot_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector}: {self.participation}"

    def get_absolute_url(self) -> str:
        return reverse("pilots:detail", args=[self.pk])

    @property
    def organisation_count(self) -> int | None:
        """Named organisations taking part; None (unknown) when a group of unknown size does.

        Needs the `for_listing()` annotations.
        """
        return None if self.unnamed_groups else self.named_organisations

    @property
    def outcome_label(self) -> str:
        return self.get_outcome_display() if self.outcome else str(_("not stated"))


class PilotParticipant(models.Model):
    """An organisation (or an unnamed group of them) taking part in a pilot, with its side."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="participants")
    # Empty for a group the source does not name, e.g. "Tuinaannemers (REC)".
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pilot_participations",
    )
    name_as_written = models.CharField(
        _("name as written"),
        max_length=200,
        help_text=_("The part of the participation line naming this participant."),
    )
    side = models.CharField(_("side"), max_length=10, choices=ParticipantSide.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pilot", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "organisation"], name="pilot_participant_once_per_pilot"
            ),
            models.UniqueConstraint(
                fields=["pilot", "name_as_written"], name="pilot_participant_name_once_per_pilot"
            ),
            models.CheckConstraint(
                condition=~Q(name_as_written=""),
                name="pilot_participant_name_not_empty",
                violation_error_message=_(
                    "Write the participant's name as the source writes it; it cannot be empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(side__in=["", *ParticipantSide.values]),
                name="pilot_participant_side_valid",
                violation_error_message=_("Choose a side from the list, or leave it empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_as_written
