"""The dashboard's figures.

Each figure set on the dashboard IS one of these exports: the page shows the rows they yield, so
what staff see and what they download cannot drift apart. All are aggregates, scoped by the user
(`visible_to`), and every count of workers goes through disclosure control. Written in the
language of the export, as the page is in the user's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django import forms
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom.disclosure import PROTECTED, Table, derived
from doorstroom.disclosure.periods import FROM_HELP, TO_HELP, check_whole_months
from doorstroom.exports import TOTAL, Cell, register
from doorstroom.filters import ALL_LABEL
from doorstroom.forms import BelgianDateField
from doorstroom.languages import lazy_call
from mandates.models import Call
from trajectories import aggregates
from trajectories.exports.common import (
    COMPLETED_PHASE_COUNT,
    ESF_CALL,
    PHASE,
    TRAJECTORY_COUNT,
    choice_labels,
    phase_labels,
)
from trajectories.exports.counts import (
    PROVINCE,
    PROVINCE_HELP,
    TrajectoryCountExport,
    province_choices,
    province_label,
)
from trajectories.models import JobOutcome, Phase, TrajectoryStatus
from trajectories.statistics import PHASES, cell, conditions


class DashboardFilterForm(forms.Form):
    date_from = BelgianDateField(
        label=_("From"),
        required=False,
        help_text=FROM_HELP,
    )
    date_to = BelgianDateField(
        label=_("Until"),
        required=False,
        help_text=TO_HELP,
    )
    call = forms.ModelChoiceField(
        label=ESF_CALL,
        queryset=Call.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=ALL_LABEL,
        help_text=_("Call number, e.g. 380."),
    )
    province = forms.ChoiceField(
        label=PROVINCE,
        choices=province_choices,
        required=False,
        help_text=PROVINCE_HELP,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        # Published: whole months only, or two views a day apart would give that day away.
        check_whole_months(cleaned)
        return cleaned


class DashboardExport(TrajectoryCountExport):
    """A dashboard figure set: the dashboard's filters, scoped by the user."""

    filter_form_class = DashboardFilterForm


STATUSES = list(TrajectoryStatus)


def capitalised(labels) -> list:
    """Labels as column headers ("running" -> "Running"), in the language they are shown in."""
    return [lazy_call(lambda label=label: str(label).capitalize()) for label in labels]


class StartedExport(DashboardExport):
    """A dashboard table of the trajectories started in the period: protected with the others
    of the same filters (and with trajectory-stats), which break down the same total."""

    def disclosure_tables(self) -> list[Table]:
        return self.started_tables()


@register
class PhaseFunnelExport(StartedExport):
    name = "dashboard-phases"
    title = _("Trajectories per phase and status")
    description = _(
        "Trajectories started in the period, per last phase reached and status (the funnel), with"
        " totals."
    )

    def header(self) -> Sequence[str]:
        return [PHASE, *capitalised(s.label for s in STATUSES), TOTAL]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        labels = phase_labels()
        for phase in PHASES:
            cells = [shown(started.pair(phase, s.value)[0]) for s in STATUSES]
            yield [labels[phase], *cells, shown(started.phase(phase)[0])]
        yield [
            str(TOTAL),
            *(shown(started.status(s.value)[0]) for s in STATUSES),
            shown(started.total),
        ]


@register
class TrajectoriesPerCallExport(StartedExport):
    name = "dashboard-calls"
    title = _("Trajectories per ESF call")
    description = _("Trajectories started in the period, per ESF call, with the total.")

    def header(self) -> Sequence[str]:
        return [ESF_CALL, _("Title"), TRAJECTORY_COUNT]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        chosen = self.filters.get("call")
        for number, title, call, _count in sorted(self.call_rows(started)):
            if chosen is None or chosen.number == number:
                yield [number, title, shown(call)]
        yield [str(TOTAL), None, shown(started.total)]


@register
class TrajectoriesPerProvinceExport(StartedExport):
    name = "dashboard-provinces"
    title = _("Trajectories per province")
    description = _(
        "Trajectories started in the period, per province of the mandate. A mandate in two "
        "provinces counts in both, so there is no total."
    )

    def header(self) -> Sequence[str]:
        return [PROVINCE, TRAJECTORY_COUNT]

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        chosen = self.filters.get("province")
        for name, province, _count in self.province_rows(started):
            if not chosen or chosen == name:
                yield [province_label(name), shown(province)]


OUTCOMES = [JobOutcome.REGULAR_JOB, JobOutcome.NO_JOB, JobOutcome.UNKNOWN]


@register
class OutcomesExport(DashboardExport):
    name = "dashboard-outcomes"
    title = _("Outcome per ESF call and year")
    description = _(
        "Trajectories ended (completed or stopped) with an end date in the period, per ESF call "
        "and year of ending: moved on to a regular job or not."
    )

    def header(self) -> Sequence[str]:
        return [ESF_CALL, _("Year"), *capitalised(o.label for o in OUTCOMES), TOTAL]

    def counts(self) -> dict[tuple[int, int], dict[str, int]]:
        counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
        for row in self.per_call_year_outcome():
            counts[row["call"], row["year"]][row["outcome"]] = row["n"]
        return dict(sorted(counts.items()))

    def per_call_year_outcome(self) -> list[dict]:
        if self.summed():
            dates = self.filters.get("date_from"), self.filters.get("date_to")
            return aggregates.ended_counts(self.mandates(), *dates)
        ended = self.in_period(
            self.trajectories().exclude(status=TrajectoryStatus.RUNNING), "end_date"
        )
        return list(
            ended.values("outcome", call=F("mandate__call__number"), year=ExtractYear("end_date"))
            .annotate(n=Count("id"))
            .order_by()
        )

    def line(self, call: int, year: int, outcome: str | None = None):
        base = conditions("ended", self.filters)
        if outcome is None:
            return cell(base, call=call, year=year)
        return cell(base, call=call, year=year, outcome=outcome)

    def disclosure_tables(self) -> list[Table]:
        counts = self.computed(("ended", self.line(0, 0)), self.counts)
        table = Table(cells={})
        for (call, year), per in counts.items():
            table.cells[self.line(call, year)] = sum(per.get(o.value, 0) for o in OUTCOMES)
            parts = {self.line(call, year, o.value): per.get(o.value, 0) for o in OUTCOMES}
            table.breakdown(self.line(call, year), parts)
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        counts = self.computed(("ended", self.line(0, 0)), self.counts)
        shown = self.protection.shown
        for call, year in counts:
            outcomes = [shown(self.line(call, year, o.value)) for o in OUTCOMES]
            yield [call, year, *outcomes, shown(self.line(call, year))]


@register
class FeesOwedExport(DashboardExport):
    name = "dashboard-fees-owed"
    title = _("Fees owed per quarter")
    description = _(
        "Fees of phases completed in the period, per quarter of completion: what is owed to the "
        "providers. What was paid for them is in the export Fees owed and paid per quarter. An "
        "amount beside a hidden count is hidden too."
    )

    def header(self) -> Sequence[str]:
        return [_("Quarter"), COMPLETED_PHASE_COUNT, _("Owed (EUR)")]

    def quarters(self) -> dict[tuple[int, int], list]:
        if self.summed():
            dates = self.filters.get("date_from"), self.filters.get("date_to")
            per_day = aggregates.completed_per_month(self.mandates(), *dates)
        else:
            phases = self.in_period(self.phases().completed(), "end_date")
            # Summed per day by PostgreSQL and per quarter here: a decade has ~3,650 days.
            per_day = phases.values_list("end_date").annotate(n=Count("id"), owed=Sum("fee_amount"))
        quarters: dict[tuple[int, int], list] = {}
        for day, count, owed in per_day:
            quarter = quarters.setdefault((day.year, (day.month - 1) // 3 + 1), [0, Decimal("0")])
            quarter[0] += count
            quarter[1] += owed
        return dict(sorted(quarters.items()))

    def quarter_keys(self) -> list[tuple[int, int]]:
        """(year, quarter) of each row but the total, in the order of `rows()`: what the
        dashboard's trend over the quarters is drawn along."""
        return list(self.computed(("completed", self.cell()), self.quarters))

    def cell(self, quarter: tuple[int, int] | None = None):
        base = conditions("completed phases", self.filters)
        return cell(base) if quarter is None else cell(base, quarter=quarter)

    def disclosure_tables(self) -> list[Table]:
        quarters = self.computed(("completed", self.cell()), self.quarters)
        table = Table(cells={self.cell(): sum(count for count, _owed in quarters.values())})
        table.breakdown(self.cell(), {self.cell(q): count for q, (count, _) in quarters.items()})
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        quarters = self.computed(("completed", self.cell()), self.quarters)
        protection = self.protection
        # An amount is a count of phases times their fees: it is hidden with its count. The
        # total amount is hidden when any is: it would give the sum of the hidden amounts, and
        # a sum of known fees can be split into phases (EUR 420,00 is one Voortraject).
        for (year, quarter), (_count, owed) in quarters.items():
            shown_owed = derived(protection, self.cell((year, quarter)), owed)
            label = gettext("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
            yield [label, protection.shown(self.cell((year, quarter))), shown_owed]
        total_owed = sum((owed for _, owed in quarters.values()), Decimal("0.00"))
        if any(self.cell(q) in protection.hidden for q in quarters):
            total_owed = PROTECTED
        yield [str(TOTAL), protection.shown(self.cell()), total_owed]


PERIOD = ("date_from", "date_to")


@register
class OverduePhasesExport(DashboardExport):
    name = "dashboard-overdue"
    title = _("Running phases past their maximum duration")
    description = _(
        "Running phases whose maximum duration has passed today, per phase (for the chosen call "
        "and province; the period does not apply). For internal use: today's figure changes "
        "from day to day, so two days side by side would give away one day's phases."
    )
    publishable = False

    def __init__(self, params=None, *, user=None, cleaned=None) -> None:
        # The dashboard hands each figure set its filters, period included (and links to the
        # download with them): the period does not apply here, so it is left out, not refused.
        params = {key: value for key, value in (params or {}).items() if key not in PERIOD}
        if cleaned is not None:
            cleaned = {key: value for key, value in cleaned.items() if key not in PERIOD}
        super().__init__(params, user=user, cleaned=cleaned)

    # Its filters are the dashboard's (which checks them once for all its figure sets) without
    # the period: the exports page and the command line do not ask for one.
    @classmethod
    def filter_fields(cls) -> dict[str, forms.Field]:
        return {k: v for k, v in super().filter_fields().items() if k not in PERIOD}

    @classmethod
    def filter_names(cls) -> list[str]:
        return [name for name in super().filter_names() if name not in PERIOD]

    @classmethod
    def filter_form(cls, *, user=None) -> forms.Form:
        form = super().filter_form(user=user)
        for name in PERIOD:
            del form.fields[name]
        return form

    def header(self) -> Sequence[str]:
        return [PHASE, _("Number of phases past their maximum duration")]

    def counts(self) -> dict[str, int]:
        return aggregates.overdue_counts(self.mandates(), timezone.localdate())

    def cell(self, phase: str | None = None):
        # Today's overdue phases: the period plays no part.
        base = conditions("overdue phases", {**self.filters, "date_from": None, "date_to": None})
        base["day"] = str(timezone.localdate())
        return cell(base) if phase is None else cell(base, phase=phase)

    def disclosure_tables(self) -> list[Table]:
        counts = self.computed(("overdue", self.cell()), self.counts)
        table = Table(cells={self.cell(): sum(counts.values())})
        table.breakdown(self.cell(), {self.cell(p.value): counts.get(p.value, 0) for p in Phase})
        return [table]

    def rows(self) -> Iterator[Sequence[Cell]]:
        shown, labels = self.protection.shown, choice_labels(Phase)
        for phase in Phase:
            yield [labels[phase], shown(self.cell(phase.value))]
        yield [str(TOTAL), shown(self.cell())]
