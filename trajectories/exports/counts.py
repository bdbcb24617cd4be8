"""Counts of trajectories for parliament: `trajectory-stats`, and the base of every export that
counts trajectories (`TrajectoryCountExport`, the dashboard's too)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.disclosure import Key, Table, key, with_marks
from doorstroom.disclosure.periods import FROM_HELP, TO_HELP, check_whole_months
from doorstroom.disclosure.publishing import ProtectedExport
from doorstroom.exports import TOTAL, Cell, Export, register
from doorstroom.filters import ALL_LABEL
from doorstroom.forms import BelgianDateField
from mandates.filters import PROVINCE_HELP
from mandates.models import UNKNOWN_PROVINCE_LABEL, Call, Mandate, Province
from trajectories import aggregates
from trajectories.exports.common import (
    ESF_CALL,
    PHASE,
    TRAJECTORY_COUNT,
    choice_labels,
    phase_labels,
)
from trajectories.models import PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.statistics import PHASES, UNKNOWN, StartedCounts, conditions

PROVINCE = _("Province")


def province_choices() -> list[tuple[str, str]]:
    """Every province, and the mandates without one: the value "onbekend" in the URL in any
    language, labelled in the user's."""
    names = list(Province.objects.values_list("name", flat=True))
    return [("", ALL_LABEL), *((name, name) for name in names), (UNKNOWN, UNKNOWN_PROVINCE_LABEL)]


def province_label(name: str) -> str:
    """A province's name as stored, or the label of "no province" in the active language."""
    return str(UNKNOWN_PROVINCE_LABEL) if name == UNKNOWN else name


class PeriodFilterForm(forms.Form):
    date_from = BelgianDateField(
        required=False,
        label=_("Started from"),
        help_text=FROM_HELP,
    )
    date_to = BelgianDateField(
        required=False,
        label=_("Started until"),
        help_text=TO_HELP,
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.all(),
        empty_label=ALL_LABEL,
        to_field_name="number",
        required=False,
        label=ESF_CALL,
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
        check_whole_months(cleaned)
        return cleaned


class TrajectoryCountExport(ProtectedExport, Export):
    """Counts of the trajectories the user may see, of a call and province, in a period."""

    counts_workers = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # Every table of counts says what its marks mean.
        if "description" in cls.__dict__:
            cls.description = with_marks(cls.description)

    def trajectories(self) -> QuerySet:
        """Visible trajectories of the chosen call and province (the period is each set's own)."""
        return self.restricted(Trajectory.objects.all())

    def phases(self) -> QuerySet:
        """The phases of those trajectories, restricted through the relation (as
        `PhaseRecord.visible_to` is), not with `trajectory IN (visible trajectories)`, which
        makes PostgreSQL hash every trajectory (3.3 s instead of 1.6 for the fees per quarter at
        a million)."""
        return self.restricted(PhaseRecord.objects.all(), to_trajectory="trajectory__")

    def restricted(self, queryset: QuerySet, to_trajectory: str = "") -> QuerySet:
        """`queryset` limited to what the user may see and to the chosen call and province;
        `to_trajectory` is the path from its rows to their trajectory."""
        queryset = self.scoped(queryset)
        mandate = f"{to_trajectory}mandate"
        if self.filters.get("call"):
            queryset = queryset.filter(**{f"{mandate}__call": self.filters["call"]})
        province = self.filters.get("province")
        # Subqueries, so a mandate in two provinces never counts a trajectory twice.
        if province == UNKNOWN:
            mandates = Mandate.objects.filter(provinces__isnull=True)
            queryset = queryset.filter(**{f"{mandate}__in": mandates.values("pk")})
        elif province:
            mandates = Mandate.objects.filter(provinces__name=province)
            queryset = queryset.filter(**{f"{mandate}__in": mandates.values("pk")})
        return queryset.order_by()

    def mandates(self) -> QuerySet:
        """The mandates whose trajectories count: the user's, of the chosen call and province
        (for the summaries the database keeps per mandate, `trajectories.aggregates`)."""
        mandates = aggregates.visible_mandates(self.user)
        if self.filters.get("call"):
            mandates = mandates.filter(call=self.filters["call"])
        province = self.filters.get("province")
        if province == UNKNOWN:
            mandates = mandates.filter(provinces__isnull=True)
        elif province:
            mandates = mandates.filter(provinces__name=province)
        return mandates

    @cached_property
    def in_scope(self) -> tuple[set[str] | None, set[int] | None]:
        """(province names, call numbers) of the mandates the user sees, UNKNOWN for a mandate
        without a province; (None, None) for whoever sees every mandate. A scoped user's tables
        list only those: a province or call outside the scope would print a 0 that says nothing
        about it."""
        if self.user is None or roles.sees_everything(self.user):
            return None, None
        mandates = aggregates.visible_mandates(self.user)
        provinces = {name or UNKNOWN for name in mandates.values_list("provinces__name", flat=True)}
        return provinces, set(mandates.values_list("call__number", flat=True))

    def province_rows(self, started: StartedCounts) -> list[tuple[str, Key, int]]:
        provinces, _calls = self.in_scope
        return [row for row in started.provinces if provinces is None or row[0] in provinces]

    def call_rows(self, started: StartedCounts) -> list[tuple[int, str, Key, int]]:
        _provinces, calls = self.in_scope
        return [row for row in started.calls if calls is None or row[0] in calls]

    def summed(self) -> bool:
        """Whether the summaries answer for this period (whole months, as a published one is)."""
        return aggregates.summed_period(self.filters)

    def in_period(self, queryset: QuerySet, field: str) -> QuerySet:
        if self.filters.get("date_from"):
            queryset = queryset.filter(**{f"{field}__gte": self.filters["date_from"]})
        if self.filters.get("date_to"):
            queryset = queryset.filter(**{f"{field}__lte": self.filters["date_to"]})
        return queryset

    def started(self) -> QuerySet:
        """The rows of the summary that count the started trajectories, or (a period of days)
        the trajectories themselves."""
        if self.summed():
            dates = self.filters.get("date_from"), self.filters.get("date_to")
            return aggregates.started(self.mandates(), *dates)
        return self.started_trajectories()

    def started_trajectories(self) -> QuerySet:
        return self.in_period(self.trajectories(), "start_date")

    def started_counts(self) -> StartedCounts:
        """The family of started trajectories for these filters, read once for all its tables."""
        base = conditions("started", self.filters)
        return self.computed(
            ("started", key(**base)), lambda: StartedCounts.load(self.started(), self.filters)
        )

    def started_tables(self) -> list[Table]:
        return self.started_counts().tables()


@register
class TrajectoryStatsExport(TrajectoryCountExport):
    name = "trajectory-stats"
    title = _("Trajectories: counts")
    description = _(
        "Number of trajectories started in a period, per ESF call, province of the mandate, last "
        "phase reached and status. A mandate in two provinces counts in both. No personal data."
    )
    filter_form_class = PeriodFilterForm

    def header(self) -> Sequence[str]:
        return [_("Breakdown"), _("Value"), TRAJECTORY_COUNT]

    def disclosure_tables(self) -> list[Table]:
        return self.started_tables()

    def rows(self) -> Iterator[Sequence[Cell]]:
        started, shown = self.started_counts(), self.protection.shown
        # The first column names the breakdown, the second its line.
        call_heading, province_heading, phase_heading = str(ESF_CALL), str(PROVINCE), str(PHASE)
        for number, title, call, _count in self.call_rows(started):
            yield [call_heading, f"{number} {title}", shown(call)]
        for name, province, _count in self.province_rows(started):
            yield [province_heading, province_label(name), shown(province)]
        phases = phase_labels()
        for phase in PHASES:
            yield [phase_heading, phases[phase], shown(started.phase(phase)[0])]
        statuses, status_heading = choice_labels(TrajectoryStatus), gettext("Status")
        for status in TrajectoryStatus:
            yield [status_heading, statuses[status], shown(started.status(status.value)[0])]
        yield [str(TOTAL), gettext("all trajectories"), shown(started.total)]
