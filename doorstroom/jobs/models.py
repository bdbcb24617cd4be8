"""A job as the pages see it: who started it, how far it is, how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    # In a context of their own: "running" is also a trajectory's status, in another catalog.
    QUEUED = "queued", pgettext_lazy("job", "queued")
    RUNNING = "running", pgettext_lazy("job", "running")
    CANCELLING = "cancelling", pgettext_lazy("job", "being cancelled")
    DONE = "done", pgettext_lazy("job", "done")
    FAILED = "failed", pgettext_lazy("job", "failed")
    CANCELLED = "cancelled", pgettext_lazy("job", "cancelled")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCELLING)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        """Staff who see everything see every job; everyone else only their own."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """One piece of long work deferred to a worker; its result is kept where the work keeps it
    (an import's batch and report)."""

    kind = models.CharField(_("kind"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), default=0)
    # procrastinate's job (procrastinate_jobs.id), to cancel it before a worker takes it.
    queue_id = models.BigIntegerField(_("queued job"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # What the task needs to know (an export's name, filters and language; a question), and
    # what it found (the pack it made).
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # A file the job made (a large XLSX export), for whoever started it to download; removed
    # after JOBS_RESULT_DAYS (doorstroom.tasks.remove_old_job_files).
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result = models.BinaryField(_("file"), null=True, blank=True, editable=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values),
                name="job_status_known",
                violation_error_message=_(
                    "This job has an unknown status; only the job itself changes its status."
                ),
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")),
                name="job_done_lte_total",
                violation_error_message=_("A job cannot have done more than it has to do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def has_file(self) -> bool:
        return bool(self.result_name)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
