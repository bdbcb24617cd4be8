"""Target-group workers: a pseudonymous reference everywhere, name and INSZ only in the
administration."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Right, Substr, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn as be_nn

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field


def validate_insz(value: str) -> None:
    if not be_nn.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid national number (INSZ): it has 11 digits and its "
                "last two are 97 minus the first nine modulo 97."
            ),
            params={"value": value},
            code="invalid_insz",
        )


def _insz_check_digits_match(century_prefix: int) -> Exact:
    first_nine = Cast(Substr("insz", 1, 9), models.BigIntegerField())
    return Exact(
        Cast(Right("insz", 2), models.IntegerField()),
        97 - (first_nine + century_prefix) % 97,
    )


class NextWorkerReference(models.Func):
    """The next pseudonymous reference, DW-000001 on, from a sequence made in migration 0001.

    At least six digits, more when needed: LPAD alone would cut DW-1000000 to six characters,
    so the number is padded to twelve and up to six leading zeros are dropped again.
    """

    template = (
        "('DW-' || regexp_replace("
        "LPAD(nextval('trajectories_worker_reference_seq')::text, 12, '0'), '^0{1,6}', ''))"
    )
    output_field = models.CharField()


class WorkerQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkerQuerySet:
        """Workers with a trajectory this user may see (everyone, for the wider roles)."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        # Trajectory, through the relation (its module imports this one).
        trajectory = self.model._meta.get_field("trajectories").related_model
        trajectories = trajectory.objects.visible_to(user)
        return self.filter(pk__in=trajectories.values("worker_id"))


# Name and INSZ never enter the audit trail: erasing them (GDPR) must leave no copy behind. A
# change of them is recorded by name only.
@audited(named_only=["first_name", "last_name", "insz"])
class Worker(models.Model):
    """A target-group worker. Everywhere but the administration, only the reference shows."""

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, db_default=NextWorkerReference(), editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    insz = models.CharField(
        _("national number (INSZ)"),
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_insz],
        help_text=_("Eleven digits; dots and dashes are removed."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, db_index=True)
    erased_at = models.DateTimeField(
        _("personal data erased on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Name and national number were erased on request (GDPR)."),
    )

    objects = WorkerQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("target-group worker")
        verbose_name_plural = _("target-group workers")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^DW-[0-9]{6,}$"),
                name="worker_reference_format",
                violation_error_message=_(
                    "A worker's reference is DW- followed by at least six digits, e.g. DW-000123."
                ),
            ),
            # Born before 2000 the check digits cover the nine digits; from 2000 on they
            # cover "2" followed by them.
            models.CheckConstraint(
                condition=Q(insz__isnull=True)
                | (
                    Q(insz__regex=r"^[0-9]{11}$")
                    & (_insz_check_digits_match(0) | _insz_check_digits_match(2_000_000_000))
                ),
                name="worker_insz_valid",
                violation_error_message=_(
                    "This is not a valid national number (INSZ): eleven digits, the last "
                    "two check digits. Check it against the identity card."
                ),
            ),
        ]
        indexes = [
            # The listing's search (reference__icontains: UPPER(reference) LIKE '%...%').
            GinIndex(
                OpClass(Upper("reference"), name="gin_trgm_ops"), name="worker_reference_trgm"
            ),
            # The admin's search (`=reference`, `last_name`, `first_name`, `=insz`): an OR of
            # UPPER(...) LIKE '%term%' and UPPER(...) = UPPER('term'), each side with its index
            # (a trigram index answers both), so PostgreSQL ORs the matches instead of reading
            # every worker (0.8 s at a million).
            GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="worker_last_name_trgm"
            ),
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="worker_first_name_trgm"
            ),
            # Equality by btree: a trigram index finds "DW-500000" by its trigrams, common to
            # most references (20 ms at a million).
            models.Index(Upper("reference"), name="worker_reference_upper"),
            models.Index(Upper("insz"), name="worker_insz_upper"),
            # The admin's sorts: a column, its ties by the key in the same direction
            # (doorstroom.admin.KeyedChangeList), read along the index.
            models.Index(fields=["last_name", "id"], name="worker_sort_last_name"),
            models.Index(fields=["first_name", "id"], name="worker_sort_first_name"),
            models.Index(fields=["erased_at", "id"], name="worker_sort_erased_at"),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self.insz:
            self.insz = be_nn.compact(self.insz)
