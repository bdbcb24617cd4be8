import django_filters
from django.utils.translation import gettext_lazy as _

from doorstroom.filters import ModelChoiceFilter
from mandates.models import (
    UNKNOWN_PROVINCE_LABEL,
    Call,
    Mandate,
    MandateStatus,
    Organisation,
    Province,
)


class MandateFilter(django_filters.FilterSet):
    """Filters of the Mandaten page, also used by the `mandates` export."""

    call = ModelChoiceFilter(
        label=_("ESF call"),
        queryset=Call.objects.all(),
        to_field_name="number",
        help_text=_("Call number, e.g. 380."),
    )
    province = ModelChoiceFilter(
        label=_("Province"),
        field_name="provinces",
        queryset=Province.objects.all(),
        to_field_name="name",
        null_label=UNKNOWN_PROVINCE_LABEL,
        null_value="onbekend",
        help_text=_("Province name, e.g. Limburg, or 'onbekend' for mandates without one."),
    )
    promoter = ModelChoiceFilter(
        label=_("Promoter"),
        queryset=Organisation.objects.filter(promoted_mandates__isnull=False).distinct(),
        help_text=_("Organisation id of the promoter."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=MandateStatus.choices,
        help_text=_("active, ended or withdrawn."),
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
