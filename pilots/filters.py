import django_filters
from django.utils.translation import gettext_lazy as _

from doorstroom.filters import ModelChoiceFilter
from mandates.models import Organisation
from pilots.models import Pilot, PilotOutcome, PilotParticipant, Sector


class PilotFilter(django_filters.FilterSet):
    """Filters of the Proeftuinen page, also used by the `pilots` and `pilot-outcomes` exports."""

    sector = ModelChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="name",
        help_text=_("Sector name, e.g. Retail."),
    )
    provider = ModelChoiceFilter(
        label=_("Service provider"),
        field_name="assignment__provider",
        queryset=Organisation.objects.filter(pilot_assignments__pilots__isnull=False).distinct(),
        to_field_name="name",
        help_text=_("Service provider, e.g. Deloitte."),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=PilotOutcome.choices,
        help_text=_("engagement, cooperation, internship or not-realised."),
    )
    organisation = ModelChoiceFilter(
        label=_("Participating organisation"),
        queryset=Organisation.objects.filter(pilot_participations__isnull=False).distinct(),
        method="filter_organisation",
        help_text=_("Organisation id of a participant."),
    )

    class Meta:
        model = Pilot
        fields = ["sector", "provider", "outcome", "organisation"]

    def filter_organisation(self, queryset, name, value):
        # A subquery rather than a join, so a pilot never appears twice and the listing's
        # participant count is not skewed by the filter.
        return queryset.filter(
            pk__in=PilotParticipant.objects.filter(organisation=value).values("pilot")
        )
