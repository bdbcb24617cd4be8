from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from doorstroom.admin import AuditHistoryMixin
from mandates.models import (
    UNKNOWN_PROVINCE_LABEL,
    Call,
    ConsortiumPartner,
    Mandate,
    MandateProvince,
    Organisation,
    OrganisationAlias,
    Province,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "nis_code", "iso_code"]
    search_fields = ["name", "nis_code", "iso_code"]


@admin.register(Call)
class CallAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["number", "title", "target", "display_order"]
    list_filter = ["target"]
    search_fields = ["number", "title"]


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "kbo_number", "province", "municipality"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["name", "aliases__name", "kbo_number"]
    inlines = [OrganisationAliasInline]


class MandateProvinceInline(admin.TabularInline):
    model = MandateProvince
    extra = 0
    verbose_name_plural = _("working area (leave empty while unknown)")


class ConsortiumPartnerInline(admin.TabularInline):
    model = ConsortiumPartner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Mandate)
class MandateAdmin(AuditHistoryMixin, admin.ModelAdmin):
    audit_related_event_models = (
        "mandates.MandateProvinceEvent",
        "mandates.ConsortiumPartnerEvent",
    )
    list_display = [
        "project_number",
        "name",
        "call",
        "promoter_as_written",
        "working_area",
        "status",
    ]
    list_display_links = ["project_number", "name"]
    list_filter = ["call", "provinces", "promoter__kind", "status"]
    list_select_related = ["call", "promoter"]
    search_fields = ["=project_number", "name", "promoter_as_written", "promoter__name"]
    autocomplete_fields = ["promoter"]
    inlines = [MandateProvinceInline, ConsortiumPartnerInline]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        # One query for every row's working area, not one per row.
        return super().get_queryset(request).visible_to(request.user).prefetch_related("provinces")

    @admin.display(description=_("working area"))
    def working_area(self, obj) -> str:
        return ", ".join(p.name for p in obj.provinces.all()) or str(UNKNOWN_PROVINCE_LABEL)
