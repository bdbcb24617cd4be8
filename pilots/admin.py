from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from doorstroom.admin_scope import ScopedAdminMixin
from pilots.models import (
    Assignment,
    CareEngagement,
    Pilot,
    PilotParticipant,
    ReportedResult,
    Sector,
)


@admin.register(Sector)
class SectorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "provider", "start_date", "end_date", "is_care_follow_up"]
    list_filter = ["is_care_follow_up"]
    list_select_related = ["provider"]
    search_fields = ["title", "provider__name"]
    autocomplete_fields = ["provider"]


class PilotParticipantInline(ScopedAdminMixin, admin.TabularInline):
    model = PilotParticipant
    extra = 0
    autocomplete_fields = ["organisation"]
    # The autocomplete widget still looks up its selected option once per row (Django's
    # AutocompleteSelect); inlines here hold a handful of rows, so that is accepted.


@admin.register(Pilot)
class PilotAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "source_order",
        "sector",
        "provider",
        "participation",
        "workers_display",
        "outcome",
        "status",
    ]
    list_display_links = ["source_order", "participation"]
    list_filter = ["sector", "assignment__provider", "outcome", "status"]
    list_select_related = ["sector", "assignment", "assignment__provider"]
    search_fields = ["participation", "participants__organisation__name", "outcome_notes"]
    autocomplete_fields = ["assignment", "sector"]
    inlines = [PilotParticipantInline]

    @admin.display(description=_("service provider"), ordering="assignment__provider__name")
    def provider(self, obj) -> str:
        return str(obj.assignment.provider or _("unknown"))

    @admin.display(description=_("workers"), ordering="workers_involved")
    def workers_display(self, obj) -> str:
        return str(_("unknown")) if obj.workers_involved is None else str(obj.workers_involved)


@admin.register(ReportedResult)
class ReportedResultAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["position", "assignment", "sector", "outcome", "host_organisation", "workers"]
    list_filter = ["assignment", "sector", "outcome"]
    list_select_related = ["assignment", "sector", "host_organisation"]
    search_fields = ["description", "host_organisation__name"]
    autocomplete_fields = ["assignment", "sector", "host_organisation"]


@admin.register(CareEngagement)
class CareEngagementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name_as_written", "assignment", "organisation", "role", "phase", "care_homes"]
    list_filter = ["role", "phase"]
    list_select_related = ["assignment", "organisation"]
    search_fields = ["name_as_written", "organisation__name", "notes"]
    autocomplete_fields = ["assignment", "organisation"]
