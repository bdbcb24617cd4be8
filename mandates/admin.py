from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from doorstroom import roles
from doorstroom.admin import AuditHistoryMixin
from doorstroom.admin_scope import ScopedAdminMixin
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
class ProvinceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "nis_code", "iso_code"]
    search_fields = ["name", "nis_code", "iso_code"]


@admin.register(Call)
class CallAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["number", "title", "target", "display_order"]
    list_filter = ["target"]
    search_fields = ["number", "title"]


class OrganisationAliasInline(ScopedAdminMixin, admin.TabularInline):
    model = OrganisationAlias
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "kbo_number", "province", "municipality"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["name", "aliases__name", "kbo_number"]
    inlines = [OrganisationAliasInline]


class WorkingAreaFormSet(BaseInlineFormSet):
    """Provincial staff see a mandate through their province in its working area
    (Mandate.visible_to): a mandate they add or change keeps it, or they would lose it. They add
    or remove their own province only: another province's row on a shared mandate is that
    province's to change, and a row they added for another province would put the mandate in
    that province's scope."""

    own_province_id: int | None = None

    def clean(self):
        super().clean()
        if self.own_province_id is None:
            return
        errors, kept = [], False
        for form in self.forms:
            if form.errors:
                continue  # the form says what is wrong with it first
            # The instance holds the submitted province by now; the row as saved is initial.
            before = form.initial.get("province") if form.instance.pk else None
            after = form.cleaned_data.get("province")
            after = None if after is None or self._should_delete_form(form) else after.pk
            kept = kept or after == self.own_province_id
            if before == after:
                continue
            if before is not None and before != self.own_province_id:
                errors.append(
                    ValidationError(
                        _(
                            "The row of %(province)s is that province's and stays as it is "
                            "(you may add or remove only your own province)."
                        ),
                        code="other_province_row",
                        params={"province": Province.objects.get(pk=before)},
                    )
                )
            if after is not None and after != self.own_province_id:
                errors.append(
                    ValidationError(
                        _(
                            "You may add only your own province to the working area, "
                            "not %(province)s."
                        ),
                        code="other_province_added",
                        params={"province": form.cleaned_data["province"]},
                    )
                )
        if not kept:
            errors.append(
                ValidationError(
                    _("Your own province must stay in the working area."), code="province_kept"
                )
            )
        if errors:
            raise ValidationError(errors)


class MandateProvinceInline(ScopedAdminMixin, admin.TabularInline):
    model = MandateProvince
    formset = WorkingAreaFormSet
    extra = 0
    verbose_name_plural = _("working area (leave empty while unknown)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.own_province_id = roles.scope_province_id(request.user)
        return formset


class ConsortiumPartnerInline(ScopedAdminMixin, admin.TabularInline):
    model = ConsortiumPartner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Mandate)
class MandateAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
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
        return super().get_queryset(request).prefetch_related("provinces")

    @admin.display(description=_("working area"))
    def working_area(self, obj) -> str:
        return ", ".join(p.name for p in obj.provinces.all()) or str(UNKNOWN_PROVINCE_LABEL)
