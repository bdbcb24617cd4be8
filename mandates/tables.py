import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from mandates.models import UNKNOWN_PROVINCE_LABEL, Mandate


class MandateTable(tables.Table):
    call = tables.Column(
        verbose_name=_("Call"),
        accessor="call__number",
        order_by=("call__display_order", "call__number", "project_number"),
    )
    project_number = tables.Column(verbose_name=_("Project no."), linkify=True)
    name = tables.Column(verbose_name=_("Project name"), linkify=True)
    promoter_as_written = tables.Column(verbose_name=_("Promoter"))
    province_names = tables.Column(verbose_name=_("Province"), default=UNKNOWN_PROVINCE_LABEL)
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Mandate
        fields = (
            "call",
            "project_number",
            "name",
            "promoter_as_written",
            "province_names",
            "status",
        )
        empty_text = _("No mandates match these filters.")
        attrs = {"class": "table", "id": "mandates"}

    def render_call(self, record):
        return f"{record.call.number} {record.call.title}"
