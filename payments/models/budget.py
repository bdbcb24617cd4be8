"""A mandate's budget, and the running totals the ledger and the budget are read from.

`LedgerMonth` is kept by the database alone (migration 0002): every write of a phase's fee, a
claim line, a claim's status or a correction run adds its difference to the row of its mandate
and month of completion, whatever path it takes (a service, the phase import, COPY of demo
data). So the ledger, the mandate's budget and the dashboard read a few thousand rows, not the
million trajectories and their phases.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field
from mandates.models import Mandate
from payments.models.claims import scoped_to_mandates


class MandateBudgetQuerySet(models.QuerySet):
    def visible_to(self, user) -> MandateBudgetQuerySet:
        return scoped_to_mandates(self, user, "mandate")


@audited()
class MandateBudget(models.Model):
    """The ceiling of what a mandate may claim: an amount and a number of trajectories."""

    mandate = models.OneToOneField(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="budget"
    )
    amount = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)
    max_trajectories = models.PositiveIntegerField(_("maximum number of trajectories"))
    note = models.TextField(_("note"), blank=True)
    version = version_field()

    objects = MandateBudgetQuerySet.as_manager()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("budget of a mandate")
        verbose_name_plural = _("budgets of mandates")
        ordering = ["mandate"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="mandate_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_trajectories__gt=0),
                name="mandate_budget_trajectories_positive",
                violation_error_message=_(
                    "The maximum number of trajectories must be more than zero."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate}: {self.amount}"


class LedgerMonthQuerySet(models.QuerySet):
    def visible_to(self, user) -> LedgerMonthQuerySet:
        return scoped_to_mandates(self, user, "mandate")


class LedgerMonth(models.Model):
    """What one mandate was owed, claimed, approved and paid for the phases completed in one
    month. Written by the database only."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    owed_phases = models.IntegerField(_("completed phases"), default=0)
    owed = models.DecimalField(_("owed (EUR)"), max_digits=14, decimal_places=2, default=0)
    claimed = models.DecimalField(_("claimed (EUR)"), max_digits=14, decimal_places=2, default=0)
    approved = models.DecimalField(_("approved (EUR)"), max_digits=14, decimal_places=2, default=0)
    paid = models.DecimalField(_("paid (EUR)"), max_digits=14, decimal_places=2, default=0)

    objects = LedgerMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger month")
        verbose_name_plural = _("ledger months")
        ordering = ["mandate", "month"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "month"], name="ledger_month_once"),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="ledger_month_first_day",
                violation_error_message=_("A ledger month is kept as the first day of its month."),
            ),
        ]
        indexes = [models.Index(fields=["month", "mandate"], name="ledger_month_month")]

    def __str__(self) -> str:
        return f"{self.mandate_id} {self.month:%Y-%m}"
