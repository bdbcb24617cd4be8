from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.access import personal_data_access_log, require_personal_data_access
from doorstroom.admin import (
    AuditHistoryMixin,
    BigTableAdminMixin,
    ScopedPersonalDataAdminMixin,
    SearchByKeysMixin,
)
from doorstroom.admin_scope import ScopedAdminMixin
from doorstroom.concurrency import OptimisticLockForm
from doorstroom.models import PersonalDataAccess
from trajectories.admin_phases import PhaseRecordForm, save_trajectory_of
from trajectories.dates import NoFutureDatesMixin
from trajectories.models import (
    FeeSchedule,
    FeeSchedulePhase,
    HealthIndexMonth,
    Phase,
    PhaseRecord,
    Trajectory,
    Worker,
)
from trajectories.services import worker_erase


class FeeSchedulePhaseInline(ScopedAdminMixin, admin.TabularInline):
    model = FeeSchedulePhase
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "valid_from",
        "valid_to",
        "cap_amount",
        "index_base_month",
        "index_kind",
        "reference_month_rule",
    ]
    search_fields = ["name"]
    list_filter = ["index_kind"]
    inlines = [FeeSchedulePhaseInline]


@admin.register(HealthIndexMonth)
class HealthIndexMonthAdmin(ScopedAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["month", "value", "verified", "source"]
    list_filter = ["verified"]
    search_fields = ["source"]
    date_hierarchy = "month"


@admin.register(Worker)
class WorkerAdmin(
    BigTableAdminMixin, ScopedPersonalDataAdminMixin, AuditHistoryMixin, admin.ModelAdmin
):
    # The national number is only on the change form, never in the list.
    list_display = ["reference", "last_name", "first_name", "erased_at"]
    search_fields = ["=reference", "last_name", "first_name", "=insz"]
    readonly_fields = ["reference", "erased_at"]
    fields = ["reference", "first_name", "last_name", "insz", "erased_at"]
    actions = ["erase_personal_data"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Names and national numbers are on this page: who opened it is recorded.
        require_personal_data_access(request.user)
        if request.method == "GET":
            personal_data_access_log(
                user=request.user,
                action=PersonalDataAccess.Action.VIEW,
                subject=f"werknemer {object_id} (beheer)",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Erase personal data (GDPR request)"), permissions=["change"])
    def erase_personal_data(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/trajectories/worker/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "workers": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for worker in queryset:
            worker_erase(worker=worker)
        self.message_user(
            request,
            _("Personal data erased for %(count)d worker(s); their figures are unchanged.")
            % {"count": queryset.count()},
            messages.SUCCESS,
        )
        return None


class TrajectoryForm(NoFutureDatesMixin, OptimisticLockForm):
    class Meta:
        model = Trajectory
        fields = "__all__"


class PhaseRecordInline(ScopedAdminMixin, admin.TabularInline):
    model = PhaseRecord
    form = PhaseRecordForm
    extra = 0
    fields = [
        "seen_version",
        "phase",
        "start_date",
        "end_date",
        "max_months",
        "deadline",
        "hours",
        "fee_amount",
        "index_reference_month",
        "index_value",
        "index_base_value",
        "fee_note",
        "over_maximum",
        "over_maximum_reason",
        "over_maximum_approved_by",
    ]
    # Fees are fixed by the services at completion, from the schedule and index then; the
    # maximum duration at the start, from the schedule in force (trajectories.admin_phases).
    readonly_fields = [
        "max_months",
        "deadline",
        "fee_amount",
        "index_reference_month",
        "index_value",
        "index_base_value",
        "fee_note",
        "over_maximum_approved_by",
    ]
    ordering = ["phase"]

    class Media:
        css = {"all": ["doorstroom/admin.css"]}  # fifteen columns: they scroll in their box

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("over_maximum_approved_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"user": request.user})
        return formset


@admin.register(Trajectory)
class TrajectoryAdmin(
    SearchByKeysMixin,
    BigTableAdminMixin,
    ScopedPersonalDataAdminMixin,
    AuditHistoryMixin,
    admin.ModelAdmin,
):
    form = TrajectoryForm
    audit_related_event_models = ("trajectories.PhaseRecordEvent",)
    list_display = [
        "worker_reference",
        "mandate_shown",
        "employer_shown",
        "start_date",
        "end_date",
        "status",
        "current_phase",
        "fees_total",
        "outcome",
        "is_demo",
    ]
    # A date filter rather than date_hierarchy, whose year links take a SELECT DISTINCT over
    # every trajectory on each page view.
    list_filter = ["status", "outcome", "mandate__call", "is_demo", "start_date"]
    list_select_related = ["worker", "mandate", "origin_employer"]
    search_fields = ["=worker__reference", "=mandate__project_number", "mandate__name"]
    autocomplete_fields = ["worker", "mandate", "origin_employer", "host_employer"]
    readonly_fields = ["created_at"]
    inlines = [PhaseRecordInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing(timezone.localdate())

    @admin.display(description=_("worker"), ordering="worker__reference")
    def worker_reference(self, obj) -> str:
        return obj.worker.reference

    # Sorted on the copies of the project number and the employer's name kept with each
    # trajectory's figures (Trajectory.objects.for_listing): a page is a walk of their index,
    # where a sort on the joined mandate or organisation sorted every trajectory.
    @admin.display(description=_("mandate"), ordering="project_number")
    def mandate_shown(self, obj):
        return obj.mandate

    @admin.display(description=_("social-economy employer"), ordering="employer_name")
    def employer_shown(self, obj):
        return obj.origin_employer

    @admin.display(description=_("phase"))
    def current_phase(self, obj) -> str:
        return Phase(obj.current_phase).label if obj.current_phase else "—"

    @admin.display(description=_("fee (EUR)"))
    def fees_total(self, obj):
        return obj.fees_total

    def save_formset(self, request, form, formset, change):
        formset.save()
        for phase_form in formset.forms:
            save_trajectory_of(phase_form)


@admin.register(PhaseRecord)
class PhaseRecordAdmin(
    SearchByKeysMixin,
    BigTableAdminMixin,
    ScopedPersonalDataAdminMixin,
    AuditHistoryMixin,
    admin.ModelAdmin,
):
    """All phases across trajectories (in the user's scope), e.g. to find exceptions to the
    maximum duration."""

    form = PhaseRecordForm

    list_display = [
        "trajectory",
        "phase",
        "start_date",
        "end_date",
        "deadline",
        "hours",
        "fee_amount",
        "over_maximum",
    ]
    list_filter = ["phase", "over_maximum", "end_date"]
    list_select_related = ["trajectory__worker", "trajectory__mandate"]
    search_fields = ["=trajectory__worker__reference"]
    autocomplete_fields = ["trajectory", "fee_schedule"]
    readonly_fields = PhaseRecordInline.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        save_trajectory_of(form)
