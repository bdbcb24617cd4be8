"""The tables of the claims, their lines, the ledger and the corrections."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.formatting import format_amount, format_count
from payments.models import Claim, ClaimLine, CorrectionItem
from payments.states import CheckResult, LineKind

NUMBER = {"td": {"class": "num nowrap"}, "th": {"class": "num"}}


class AmountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_amount(value)


class ClaimTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Claim"), accessor="pk", linkify=lambda record: record.get_absolute_url()
    )
    mandate = tables.Column(
        verbose_name=_("Mandate"),
        accessor="mandate__project_number",
        linkify=lambda record: record.mandate.get_absolute_url(),
    )
    period = tables.Column(verbose_name=_("Completed"), accessor="period_start", orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    line_count = tables.Column(verbose_name=_("Lines"), attrs=NUMBER)
    claimed_amount = AmountColumn(verbose_name=_("Claimed"))
    approved_amount = AmountColumn(verbose_name=_("Approved"), default="—")
    created_at = tables.DateColumn(verbose_name=_("Made on"), short=True)

    class Meta:
        model = Claim
        fields = ()
        sequence = (
            "number",
            "mandate",
            "period",
            "status",
            "line_count",
            "claimed_amount",
            "approved_amount",
            "created_at",
        )
        empty_text = _("No claims match these filters.")
        attrs = {"class": "table", "id": "claims"}

    def render_number(self, record):
        return record.number

    def render_period(self, record):
        start = date_format(record.period_start, "SHORT_DATE_FORMAT")
        return f"{start} \N{EN DASH} {date_format(record.period_end, 'SHORT_DATE_FORMAT')}"


class ClaimLineTable(tables.Table):
    position = tables.Column(verbose_name=_("Line"), attrs=NUMBER)
    worker = tables.Column(
        verbose_name=_("Worker"),
        accessor="trajectory__worker__reference",
        linkify=lambda record: reverse("trajectories:detail", args=[record.trajectory_id]),
    )
    phase_number = tables.Column(verbose_name=_("Phase"))
    completed_on = tables.DateColumn(verbose_name=_("Completed"), short=True)
    kind = tables.Column(verbose_name=_("Kind"))
    amount = AmountColumn(verbose_name=_("Amount"))
    index = tables.Column(verbose_name=_("Index"), accessor="index_value", orderable=False)
    deduction = AmountColumn(verbose_name=_("Deduction"))
    check_result = tables.Column(verbose_name=_("Sample"), orderable=False, empty_values=())
    documents = tables.Column(
        verbose_name=_("Documents"),
        orderable=False,
        linkify=lambda record: reverse("payments:phase-evidence", args=[record.phase_id]),
        attrs=NUMBER,
    )

    class Meta:
        model = ClaimLine
        fields = ()
        sequence = (
            "position",
            "worker",
            "phase_number",
            "completed_on",
            "kind",
            "amount",
            "index",
            "deduction",
            "check_result",
            "documents",
        )
        attrs = {"class": "table compact", "id": "lines"}

    def render_kind(self, record):
        return "" if record.kind == LineKind.FEE else record.get_kind_display()

    def render_index(self, record):
        return format_html(
            "{}: {} / {}",
            f"{record.index_reference_month:%m/%Y}",
            format_count(record.index_value, 2),
            format_count(record.index_base_value, 2),
        )

    def render_deduction(self, record):
        if not record.deduction:
            return "—"
        return format_html(
            "{}<br><span class='muted'>{}: {}</span>",
            format_amount(record.deduction),
            record.deduction_reason,
            record.deduction_note,
        )

    def render_check_result(self, record):
        if not record.in_sample:
            return ""
        if record.check_result == CheckResult.NONE:
            return _("in the sample")
        if record.check_result == CheckResult.DEVIATION:
            return format_html(
                "<span class='error'>{}</span>: {}",
                record.get_check_result_display(),
                record.check_note,
            )
        return record.get_check_result_display()


class LedgerTable(tables.Table):
    mandate = tables.Column(
        verbose_name=_("Mandate"),
        accessor="project_number",
        linkify=lambda record: reverse("mandates:detail", args=[record["project_number"]]),
    )
    mandate_name = tables.Column(verbose_name=_("Project name"))
    period = tables.Column(verbose_name=_("Period"), empty_values=())
    owed_phases = tables.Column(verbose_name=_("Completed phases"), attrs=NUMBER)
    owed = AmountColumn(verbose_name=_("Owed"))
    claimed = AmountColumn(verbose_name=_("Claimed"))
    approved = AmountColumn(verbose_name=_("Approved"))
    paid = AmountColumn(verbose_name=_("Paid"))
    outstanding = AmountColumn(verbose_name=_("Outstanding"), empty_values=())

    class Meta:
        orderable = False
        attrs = {"class": "table compact", "id": "ledger"}
        empty_text = _("Nothing owed for these filters.")

    def __init__(self, *args, per: str | None = None, **kwargs):
        self.per = per or "month"
        super().__init__(*args, **kwargs)

    def render_owed_phases(self, value):
        return format_count(value)

    def render_period(self, record):
        return period_label(record.get("period"), self.per)

    def render_outstanding(self, record):
        return format_amount(record["owed"] - record["paid"])


def period_label(day, per: str) -> str:
    """A ledger row's period as the page and the export name it: 2024-03, 2024 K1, 2024."""
    if day is None or per == "period":
        return str(_("whole period"))
    if per == "quarter":
        return gettext("%(year)s Q%(quarter)s") % {
            "year": day.year,
            "quarter": (day.month - 1) // 3 + 1,
        }
    if per == "year":
        return str(day.year)
    return f"{day:%Y-%m}"


class CorrectionItemTable(tables.Table):
    mandate = tables.Column(verbose_name=_("Mandate"), accessor="mandate__project_number")
    worker = tables.Column(verbose_name=_("Worker"), accessor="trajectory__worker__reference")
    phase_number = tables.Column(verbose_name=_("Phase"))
    completed_on = tables.DateColumn(verbose_name=_("Completed"), short=True)
    claimed_before = AmountColumn(verbose_name=_("Claimed so far"))
    due_now = AmountColumn(verbose_name=_("Due now"))
    difference = AmountColumn(verbose_name=_("Difference"))
    index = tables.Column(verbose_name=_("Index now"), accessor="index_value", orderable=False)

    class Meta:
        model = CorrectionItem
        fields = ()
        sequence = (
            "mandate",
            "worker",
            "phase_number",
            "completed_on",
            "claimed_before",
            "due_now",
            "difference",
            "index",
        )
        attrs = {"class": "table compact", "id": "corrections"}
        empty_text = _("No paid phase is due another amount now.")

    def render_index(self, record):
        return f"{record.index_reference_month:%m/%Y}: {format_count(record.index_value, 2)}"
