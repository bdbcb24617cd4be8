import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from pilots.models import UNKNOWN_LABEL, Pilot


class PilotTable(tables.Table):
    source_order = tables.Column(verbose_name=_("Row"), attrs={"td": {"class": "num"}})
    sector = tables.Column(
        verbose_name=_("Sector"), accessor="sector__name", order_by=("sector__position",)
    )
    provider = tables.Column(
        verbose_name=_("Service provider"),
        accessor="assignment__provider__name",
        default=UNKNOWN_LABEL,
    )
    participation = tables.Column(verbose_name=_("Participating organisations"), linkify=True)
    organisation_count = tables.Column(
        verbose_name=_("Organisations"),
        default=UNKNOWN_LABEL,
        order_by="named_organisations",
        attrs={"td": {"class": "num"}},
    )
    workers_involved = tables.Column(
        verbose_name=_("Workers"), default=UNKNOWN_LABEL, attrs={"td": {"class": "num"}}
    )
    outcome = tables.Column(verbose_name=_("Outcome"), accessor="outcome_label", order_by="outcome")

    class Meta:
        model = Pilot
        fields = (
            "source_order",
            "sector",
            "provider",
            "participation",
            "organisation_count",
            "workers_involved",
            "outcome",
        )
        empty_text = _("No pilots match these filters.")
        attrs = {"class": "table"}
