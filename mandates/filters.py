import django_filters
from django.utils.translation import gettext_lazy as _

from doorstroom.filters import ModelChoiceFilter
from doorstroom.languages import lazy_format
from mandates.models import (
    UNKNOWN_PROVINCE,
    UNKNOWN_PROVINCE_LABEL,
    Call,
    Mandate,
    MandateStatus,
    Organisation,
    Province,
)

# The filters on a call, a province and a mandate, for every filter form that has them (the
# mandates, the trajectories, the ledger); `field_name` is the path from the rows to them.


def call_filter(field_name: str = "call") -> ModelChoiceFilter:
    return ModelChoiceFilter(
        label=_("ESF call"),
        field_name=field_name,
        queryset=Call.objects.all(),
        to_field_name="number",
        help_text=_("Call number, e.g. 380."),
    )


# Every province filter's help: the label of "no province" in the reader's language.
PROVINCE_HELP = lazy_format(
    _("The mandate's province, or “%(unknown)s” for mandates without one."),
    unknown=UNKNOWN_PROVINCE_LABEL,
)


def province_filter(field_name: str = "provinces") -> ModelChoiceFilter:
    return ModelChoiceFilter(
        label=_("Province"),
        field_name=field_name,
        queryset=Province.objects.all(),
        to_field_name="name",
        null_label=UNKNOWN_PROVINCE_LABEL,
        null_value=UNKNOWN_PROVINCE,
        help_text=PROVINCE_HELP,
    )


def mandate_filter(field_name: str = "mandate") -> ModelChoiceFilter:
    return ModelChoiceFilter(
        label=_("Mandate"),
        field_name=field_name,
        queryset=Mandate.objects.all(),
        to_field_name="project_number",
        help_text=_("Project number, e.g. 6441."),
    )


class MandateFilter(django_filters.FilterSet):
    """Filters of the Mandaten page, also used by the `mandates` export."""

    call = call_filter()
    province = province_filter()
    promoter = ModelChoiceFilter(
        label=_("Promoter"),
        queryset=Organisation.objects.filter(promoted_mandates__isnull=False).distinct(),
        help_text=_("The organisation that promotes the mandate."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=MandateStatus.choices,
        help_text=_("Active, ended or withdrawn."),
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Text in the project name or promoter, or a project number."),
    )

    class Meta:
        model = Mandate
        fields = ["call", "province", "promoter", "status", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            visible = Mandate.objects.visible_to(user)
            self.filters["promoter"].queryset = Organisation.objects.filter(
                pk__in=visible.values("promoter_id")
            )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
