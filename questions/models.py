"""Written parliamentary questions, the tables that answer them, and the packs sent out."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doorstroom.concurrency import version_bump_trigger, version_field
from doorstroom.exports import ExportError, get_export

# A question still open whose deadline is this close (or past) is due: the dashboard's to-do.
DUE_SOON_DAYS = 14


class QuestionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")


class QuestionQuerySet(models.QuerySet):
    def for_listing(self) -> QuestionQuerySet:
        return self.annotate(
            subquestion_count=Count("subquestions", distinct=True),
            pack_count=Count("packs", distinct=True),
        ).order_by("-date", "-number")


class ParliamentaryQuestion(models.Model):
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    asked_by = models.CharField(_("asked by"), max_length=200)
    addressed_to = models.CharField(_("addressed to"), max_length=500)
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.RECEIVED
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("parliamentary question")
        verbose_name_plural = _("parliamentary questions")
        ordering = ["-date", "-number"]
        constraints = [
            # Numbers restart with every parliamentary year; number and date identify one.
            models.UniqueConstraint(fields=["number", "date"], name="question_number_date_unique"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("date")),
                name="question_deadline_after_date",
                violation_error_message=_(
                    "The deadline cannot be before the date of the question."
                ),
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("date")),
                name="question_answered_after_date",
                violation_error_message=_(
                    "A question cannot be answered before the date it was asked."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"nr. {self.number} van {self.date:%d/%m/%Y}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.pk])


class SubQuestion(models.Model):
    question = models.ForeignKey(
        ParliamentaryQuestion, on_delete=models.CASCADE, related_name="subquestions"
    )
    label = models.CharField(_("label"), max_length=10, help_text=_("e.g. 1a, 2b"))
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("sub-question")
        verbose_name_plural = _("sub-questions")
        ordering = ["question", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="subquestion_label_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}) {self.text[:60]}"


def validate_export_name(value: str) -> None:
    try:
        export_class = get_export(value)
    except ExportError as error:
        raise ValidationError(str(error)) from error
    if export_class.contains_personal_data:
        raise ValidationError(
            _("The export %(name)s contains personal data and cannot answer a question."),
            params={"name": value},
        )
    if not export_class.may_be_published():
        raise ValidationError(
            _("The export %(name)s is an internal document and cannot answer a question."),
            params={"name": value},
        )


class AnswerTable(models.Model):
    """A table that answers a sub-question: a registered export with saved filters."""

    subquestion = models.ForeignKey(SubQuestion, on_delete=models.CASCADE, related_name="tables")
    export_name = models.CharField(_("export"), max_length=60, validators=[validate_export_name])
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # The source answers some sub-questions together ("1. a-b)"); the table is attached to the
    # first and names them all.
    answers = models.CharField(
        _("answers sub-questions"),
        max_length=20,
        blank=True,
        help_text=_("e.g. 1a-b when one table answers several; empty: the sub-question's label."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("answer table")
        verbose_name_plural = _("answer tables")
        ordering = ["subquestion__position", "position", "pk"]

    def __str__(self) -> str:
        return self.title or self.export_name

    def clean(self) -> None:
        if not isinstance(self.filters, dict):
            raise ValidationError({"filters": _("Filters are a mapping of name to value.")})
        try:
            get_export(self.export_name)({k: str(v) for k, v in self.filters.items()})
        except ExportError as error:
            raise ValidationError({"filters": str(error)}) from error


class AnswerPack(models.Model):
    """One generation of a question's answer: what was produced, when, by whom."""

    question = models.ForeignKey(
        ParliamentaryQuestion, on_delete=models.PROTECT, related_name="packs"
    )
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    parameters = models.JSONField(_("parameters"))
    checksum = models.CharField(_("checksum of all tables"), max_length=64)

    class Meta:
        verbose_name = _("answer pack")
        verbose_name_plural = _("answer packs")
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return f"{self.question} ({self.generated_at:%d/%m/%Y %H:%M})"


class AnswerPackTable(models.Model):
    """One table of a pack as it was sent: its parameters, its rows and their checksum."""

    pack = models.ForeignKey(AnswerPack, on_delete=models.CASCADE, related_name="tables")
    position = models.PositiveSmallIntegerField()
    subquestion_label = models.CharField(max_length=10)
    export_name = models.CharField(max_length=60)
    filters = models.JSONField(default=dict)
    title = models.CharField(max_length=300)
    # Canonical content (RFC 4180 CSV): what the checksum is over, and what a later
    # regeneration is compared with.
    content = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "position"], name="pack_table_position_unique"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="pack_table_sha256_hex",
                violation_error_message=_(
                    "The checksum of a table is a SHA-256 hash: 64 characters, 0-9 and a-f."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subquestion_label}) {self.title}"
