"""The administration of payments: the lists staff keep (document kinds and what each phase
needs, deduction reasons, budgets) and, read-only, the claims, payments, documents and
correction runs, whose every change is a step of their own pages (payments.services)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from doorstroom.admin import AuditHistoryMixin
from doorstroom.admin_scope import ScopedAdminMixin
from payments.models import (
    Claim,
    ClaimStep,
    CorrectionRun,
    DeductionReason,
    DocumentKind,
    EvidenceDocument,
    EvidenceRequirement,
    MandateBudget,
    Payment,
)


class ReadOnlyMixin:
    """Records that change only through the application's steps: viewed here, with their
    history, never added, changed or deleted."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentKind)
class DocumentKindAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["phase", "kind"]
    list_filter = ["phase"]
    list_select_related = ["kind"]


@admin.register(DeductionReason)
class DeductionReasonAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["label", "code", "active"]
    list_filter = ["active"]
    search_fields = ["label", "code"]


@admin.register(MandateBudget)
class MandateBudgetAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["mandate", "amount", "max_trajectories"]
    list_select_related = ["mandate"]
    autocomplete_fields = ["mandate"]
    search_fields = ["=mandate__project_number", "mandate__name"]


class ClaimStepInline(ScopedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = ClaimStep
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(Claim)
class ClaimAdmin(ScopedAdminMixin, ReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "mandate",
        "status",
        "claimed_amount",
        "approved_amount",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["mandate"]
    search_fields = ["=mandate__project_number", "mandate__name"]
    date_hierarchy = None
    inlines = [ClaimStepInline]
    exclude = ["version"]


@admin.register(Payment)
class PaymentAdmin(ScopedAdminMixin, ReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["reference", "claim", "paid_on", "amount"]
    list_select_related = ["claim"]
    search_fields = ["reference"]


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ScopedAdminMixin, ReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["kind"]
    # Not the stored file's name or a link to the storage: a document is served by the view
    # that checks who asks (`download`).
    fields = ["download", "kind", "phase", "claim_line", "content_type", "size", "sha256"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("payments:evidence-download", args=[obj.pk]), obj
        )


@admin.register(CorrectionRun)
class CorrectionRunAdmin(ScopedAdminMixin, ReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "item_count", "total_difference", "created_by"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    exclude = ["version"]
