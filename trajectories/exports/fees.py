"""The fee table of answer 1c, with the indexed amounts on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.exports import TOTAL, Cell, Export, ExportError, register
from doorstroom.forms import BelgianDateField
from doorstroom.languages import lazy_format
from trajectories.exports.common import FEE, INDEX_MONTH, PHASE, choice_labels, month_label
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import FeeSchedule, Phase


class FeesFilterForm(forms.Form):
    date = BelgianDateField(
        required=False,
        label=_("Date"),
        help_text=_("Also shows the amounts indexed on this date and the index used."),
    )


@register
class FeesExport(Export):
    name = "fees"
    title = _("Fees per phase")
    description = _(
        "The fee per phase and the maximum duration (answer 1c): Voortraject, Job matching, "
        "Stage, Nazorg and the total (cap per trajectory). With a date, also the indexed amounts "
        "of the schedule then in force and the health index used for them."
    )
    filter_form_class = FeesFilterForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on: dt.date | None = self.filters.get("date")
        on = self.on or timezone.localdate()
        self.schedule = (
            FeeSchedule.objects.in_force(on)
            .prefetch_related("phases")
            .order_by("valid_from")
            .first()
        )
        if self.schedule is None:
            raise ExportError(
                lazy_format(_("No fee schedule is in force on %(date)s."), date=f"{on:%d/%m/%Y}")
            )
        self.index = HealthIndex.load() if self.on else None
        if self.on:
            try:
                self.indexed_cap = self.index.indexed(
                    schedule=self.schedule, base_amount=self.schedule.cap_amount, on=self.on
                )
            except MissingIndexError as error:
                raise ExportError(error.message) from error

    def header(self) -> Sequence[str]:
        header = [PHASE, _("Maximum duration (months)"), FEE]
        if self.on:
            header += [
                lazy_format(_("Indexed fee on %(date)s (EUR)"), date=f"{self.on:%d/%m/%Y}"),
                INDEX_MONTH,
                _("Health index of the index month"),
                _("Base month"),
                _("Health index of the base month"),
            ]
        return header

    def rows(self) -> Iterator[Sequence[Cell]]:
        phases = choice_labels(Phase)
        for row in self.schedule.phases.all():
            line: list[Cell] = [phases[row.phase], row.max_months, row.base_amount]
            if self.on:
                indexed = self.index.indexed(
                    schedule=self.schedule, base_amount=row.base_amount, on=self.on
                )
                line += self._index_cells(indexed)
            yield line
        total: list[Cell] = [str(TOTAL), None, self.schedule.cap_amount]
        if self.on:
            total += self._index_cells(self.indexed_cap)
        yield total

    @staticmethod
    def _index_cells(indexed) -> list[Cell]:
        return [
            indexed.amount,
            month_label(indexed.reference_month),
            indexed.index_value,
            month_label(indexed.base_month),
            indexed.base_index_value,
        ]
