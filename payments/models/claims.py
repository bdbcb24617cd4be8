"""Claims (schuldvorderingen): what a provider claims for the phases it completed, how the claim
was checked and decided, and its payment.

A claim line freezes what the phase was owed when it was claimed (fee, schedule, index), so a
later correction of the index or a schedule never changes a claim: it adds lines to the next one
(payments.models.corrections). The database keeps the rules that span rows (migration 0002):
a phase is claimed once while its claim is not rejected, the same person never checks and
decides a claim, no payment above what was approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate
from payments.states import DECIDED, CheckResult, ClaimStatus, LineKind
from trajectories.models import FeeSchedule, Phase, PhaseRecord, Trajectory


def claim_number(pk: int) -> str:
    return f"SV-{pk:06d}"


def scoped_to_mandates(queryset: models.QuerySet, user, mandate_field: str) -> models.QuerySet:
    """Payment records of the mandates the user may see; none for a role that sees only what
    may be published (the analyst: aggregates on the dashboard only)."""
    if not roles.may_see_internal_figures(user):
        return queryset.none()
    if roles.sees_everything(user):
        return queryset
    return queryset.filter(
        **{f"{mandate_field}__in": Mandate.objects.visible_to(user).values("pk")}
    )


@audited()
class DeductionReason(models.Model):
    """Why part of a claim line is not paid: a list finance staff keep, not free text."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("reason"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("deduction reason")
        verbose_name_plural = _("deduction reasons")
        ordering = ["label"]

    LABEL_FIELDS = ("label",)

    def __str__(self) -> str:
        return self.label


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClaimQuerySet:
        return scoped_to_mandates(self, user, "mandate")

    def for_listing(self) -> ClaimQuerySet:
        return self.select_related("mandate__call", "created_by").order_by("-created_at", "-pk")


def _person(label: str, related_name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


@audited()
class Claim(models.Model):
    """One claim of one mandate for the phases completed in a period."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="claims"
    )
    period_start = models.DateField(_("completed from"))
    period_end = models.DateField(_("completed until"))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    claimed_amount = models.DecimalField(
        _("claimed (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    submitted_by = _person(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_started_by = _person(_("review started by"))
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    # The sample for the detailed check: drawn from the seed, so it can be drawn again and
    # compared (payments.services.review.sample_select).
    sample_seed = models.BigIntegerField(_("seed of the sample"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("lines in the sample"), null=True, blank=True)
    checked_by = _person(_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("note of the check"), blank=True)
    decided_by = _person(_("approved or rejected by"))
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.TextField(_("note of the decision"), blank=True)
    approved_amount = models.DecimalField(
        _("approved (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Raised when a failed payment is issued again, so every issue has its own reference.
    payment_order = models.PositiveSmallIntegerField(_("payment order"), default=1)
    version = version_field()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="claim_period_end_not_before_start",
                violation_error_message=_("The period of a claim cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values),
                name="claim_status_known",
                violation_error_message=_(
                    "This claim has an unknown status; a claim changes status only through "
                    "its steps."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.DRAFT)
                | Q(submitted_by__isnull=False, submitted_at__isnull=False),
                name="claim_submitted_by_someone",
                violation_error_message=_(
                    "A claim that is no longer a draft records who submitted it and when."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ClaimStatus.DRAFT, ClaimStatus.SUBMITTED])
                | Q(review_started_by__isnull=False, sample_seed__isnull=False),
                name="claim_reviewed_with_a_sample",
                violation_error_message=_(
                    "A claim in review or further along records who started the review and "
                    "the sample drawn for it."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[*DECIDED, ClaimStatus.REJECTED])
                | Q(decided_by__isnull=False, decided_at__isnull=False, checked_by__isnull=False),
                name="claim_decided_after_its_check",
                violation_error_message=_(
                    "An approved or rejected claim records who checked it, and who decided "
                    "and when."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED) | Q(approved_amount__gt=0),
                name="claim_approved_with_its_amount",
                violation_error_message=_(
                    "An approved claim has an approved amount of more than zero; a claim of"
                    " which nothing is approved is rejected."
                ),
            ),
            # Four eyes: the person who approves or rejects neither checked nor submitted it,
            # and the checker did not submit it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (
                    Q(checked_by__isnull=False, submitted_by__isnull=False)
                    & ~Q(decided_by=F("checked_by"))
                    & ~Q(decided_by=F("submitted_by"))
                ),
                name="claim_four_eyes_decision",
                violation_error_message=_(
                    "Whoever approves or rejects a claim neither checked nor submitted it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("submitted_by")),
                name="claim_four_eyes_check",
                violation_error_message=_("Whoever checks a claim did not submit it."),
            ),
        ]
        indexes = [models.Index(fields=["mandate", "status"], name="claim_mandate_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("payments:claim-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return claim_number(self.pk) if self.pk else "—"

    @property
    def payment_reference(self) -> str:
        """The reference of the current payment order: the financial system pays with it and
        sends it back in its confirmation."""
        return f"{self.number}-{self.payment_order}"


class ClaimLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClaimLineQuerySet:
        return scoped_to_mandates(self, user, "mandate")

    def active(self) -> ClaimLineQuerySet:
        """Lines of claims that are not rejected (drafts included): what holds a phase."""
        return self.exclude(claim_status=ClaimStatus.REJECTED)


# The claim's status and mandate, which the database copies onto every line, are the claim's
# history, not the line's: a status change of a claim of 10,000 lines is one event, not 10,001.
@audited(exclude=["claim_status", "mandate"])
class ClaimLine(models.Model):
    """A phase (or a correction of one) on a claim, with what it was owed frozen."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"))
    # Kept by the database from the claim (migration 0002), for the rules and running totals
    # that need them without a join.
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="+", editable=False)
    claim_status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, editable=False, default=ClaimStatus.DRAFT
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    phase = models.ForeignKey(
        PhaseRecord, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="claim_lines"
    )
    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.PROTECT, related_name="+"
    )
    phase_number = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    completed_on = models.DateField(_("completed on"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    fee_schedule = models.ForeignKey(
        FeeSchedule, verbose_name=_("fee schedule"), on_delete=models.PROTECT, related_name="+"
    )
    index_reference_month = models.DateField(_("index month"))
    index_value = models.DecimalField(_("health index used"), max_digits=7, decimal_places=2)
    index_base_value = models.DecimalField(_("base index"), max_digits=7, decimal_places=2)
    correction_item = models.ForeignKey(
        "payments.CorrectionItem",
        verbose_name=_("correction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    in_sample = models.BooleanField(_("in the sample"), default=False)
    check_result = models.CharField(
        _("result of the check"), max_length=20, choices=CheckResult.choices, blank=True
    )
    check_note = models.TextField(_("note of the check"), blank=True)
    deduction = models.DecimalField(
        _("deduction (EUR)"), max_digits=10, decimal_places=2, default=0
    )
    deduction_reason = models.ForeignKey(
        DeductionReason,
        verbose_name=_("reason for the deduction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deduction_note = models.TextField(_("note on the deduction"), blank=True)

    objects = ClaimLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="claim_line_position"),
            # The rule of the issue: a phase is claimed at most once while its claim is not
            # rejected (a draft holds it too, so two drafts cannot both claim it).
            models.UniqueConstraint(
                fields=["phase"],
                condition=Q(kind=LineKind.FEE) & ~Q(claim_status=ClaimStatus.REJECTED),
                name="claim_line_phase_claimed_once",
                violation_error_message=_("This phase is already on another claim."),
            ),
            models.UniqueConstraint(
                fields=["correction_item"],
                condition=Q(correction_item__isnull=False) & ~Q(claim_status=ClaimStatus.REJECTED),
                name="claim_line_correction_claimed_once",
                violation_error_message=_("This correction is already on another claim."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values),
                name="claim_line_kind_known",
                violation_error_message=_(
                    "This claim line has an unknown kind; a line is a fee, a top-up or a recovery."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind=LineKind.FEE, correction_item__isnull=True, amount__gte=0)
                | Q(kind=LineKind.TOP_UP, correction_item__isnull=False, amount__gt=0)
                | Q(kind=LineKind.RECOVERY, correction_item__isnull=False, amount__lt=0),
                name="claim_line_amount_fits_its_kind",
                violation_error_message=_(
                    "The amount does not fit the kind of line: a fee is zero or more, a "
                    "top-up more than zero, a recovery less than zero; only a top-up or a "
                    "recovery comes from a correction."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deduction=0)
                | Q(deduction__gt=0, deduction__lte=F("amount"), deduction_reason__isnull=False),
                name="claim_line_deduction_within_amount_with_reason",
                violation_error_message=_(
                    "A deduction cannot be negative nor more than the line's amount, and "
                    "needs a reason."
                ),
            ),
            models.CheckConstraint(
                condition=Q(check_result__in=CheckResult.values),
                name="claim_line_check_known",
                violation_error_message=_("Choose a result of the check from the list."),
            ),
        ]
        indexes = [models.Index(fields=["claim", "in_sample"], name="claim_line_sample")]

    def __str__(self) -> str:
        return f"{self.claim} {_('line')} {self.position}"

    @property
    def approved_amount(self):
        return self.amount - self.deduction


class ClaimStep(models.Model):
    """One step of a claim's life, as the claim's page tells it (the audit trail holds every
    field; this is the status history a person reads)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(
        _("from"), max_length=20, choices=ClaimStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ClaimStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("claim step")
        verbose_name_plural = _("claim steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim}: {self.get_to_status_display()}"


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> PaymentQuerySet:
        return scoped_to_mandates(self, user, "claim__mandate")


@audited()
class Payment(models.Model):
    """What the financial system paid for a claim (by hand or from its confirmation file)."""

    claim = models.OneToOneField(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="payment"
    )
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount paid (EUR)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    import_batch = models.ForeignKey(
        "payments.PaymentImportBatch",
        verbose_name=_("confirmation file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount paid must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference
