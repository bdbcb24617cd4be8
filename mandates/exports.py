from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from doorstroom.exports import Cell, Export, register
from mandates.filters import MandateFilter
from mandates.models import UNKNOWN_PROVINCE_LABEL, Mandate

PROJECT_NUMBER = _("Project number")


@register
class MandatesExport(Export):
    name = "mandates"
    title = _("Mandates")
    description = _(
        "Mandated projects per ESF call (answer 1a-b): call, project number, project name, "
        "promoter as written, province."
    )
    filterset_class = MandateFilter
    key_columns = (PROJECT_NUMBER,)

    def get_queryset(self) -> QuerySet:
        return self.scoped(Mandate.objects.for_listing())

    def header(self) -> Sequence[str]:
        return [
            _("Call"),
            _("Call title"),
            PROJECT_NUMBER,
            _("Project name"),
            _("Promoter"),
            _("Province"),
        ]

    def rows_for(self, queryset: QuerySet) -> Iterator[Sequence[Cell]]:
        # The listing's own sort order is the user's; an answer to parliament groups by call.
        queryset = queryset.order_by("call__display_order", "call__number", "project_number")
        # No province recorded: a label, not a name (the filter's value for it stays "onbekend").
        unknown = str(UNKNOWN_PROVINCE_LABEL)
        for mandate in queryset.iterator(chunk_size=2000):
            yield (
                mandate.call.number,
                mandate.call.title,
                mandate.project_number,
                mandate.name,
                mandate.promoter_as_written,
                mandate.province_names or unknown,
            )
