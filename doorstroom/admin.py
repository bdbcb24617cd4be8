from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from doorstroom.access import require_personal_data_access
from doorstroom.audit import history_for
from doorstroom.models import PersonalDataAccess, UserScope


class ScopedPersonalDataAdminMixin:
    """The admin of records about individual workers: only roles that may see personal data,
    and only the records in the user's scope (the model's `visible_to`), in every admin view."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def changelist_view(self, request, extra_context=None):
        require_personal_data_access(request.user)
        return super().changelist_view(request, extra_context)


class AuditHistoryMixin:
    """Replaces the admin's "History" page with the database-recorded audit trail."""

    audit_related_event_models: tuple[str, ...] = ()

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = history_for(obj, related_event_models=self.audit_related_event_models)
        user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
        users = {
            str(u.pk): u.get_username()
            for u in get_user_model().objects.filter(pk__in=[i for i in user_ids if i])
        }
        for event in events:
            context = event.pgh_context or {}
            event.user_display = users.get(str(context.get("user")), "")
            event.where = context.get("url") or context.get("command") or context.get("import")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Geschiedenis: {obj}",
            "opts": self.model._meta,
            "object": obj,
            "events": events,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/audit_history.html", context)


admin.site.empty_value_display = "—"


class UserScopeInline(admin.StackedInline):
    model = UserScope
    can_delete = True
    extra = 0
    max_num = 1
    autocomplete_fields = ["organisation"]
    verbose_name_plural = "Scope (provinciaal medewerker of dienstverlener)"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DoorstroomUserAdmin(UserAdmin):
    """Users with their role (group) and scope in one place."""

    inlines = [UserScopeInline]
    list_display = ["username", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Rol")
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or "—"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the record of who viewed or exported data about individual workers."""

    list_display = ["at", "user", "action", "subject"]
    list_filter = ["action"]
    list_select_related = ["user"]
    search_fields = ["user__username", "subject"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
