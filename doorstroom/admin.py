from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.access import personal_data_access_log, require_personal_data_access
from doorstroom.admin_scope import ScopedAdminMixin
from doorstroom.audit_display import readable_history
from doorstroom.models import PersonalDataAccess, UserScope
from doorstroom.pagination import AFTER, BEFORE, EstimatedCountPaginator


class ScopedPersonalDataAdminMixin(ScopedAdminMixin):
    """The admin of records about individual workers: only roles that may see personal data,
    and only the records in the user's scope (the model's `visible_to`), in every admin view."""

    def changelist_view(self, request, extra_context=None):
        require_personal_data_access(request.user)
        if request.method == "GET":
            personal_data_access_log(
                user=request.user,
                action=PersonalDataAccess.Action.VIEW,
                subject=_admin_list_subject(request),
            )
        return super().changelist_view(request, extra_context)

    def autocomplete_access(self, request) -> None:
        """The admin's autocomplete of a foreign key to these records (doorstroom.admin_site)
        is a search of them, by name or national number: refused and logged as the list is."""
        require_personal_data_access(request.user)
        personal_data_access_log(
            user=request.user,
            action=PersonalDataAccess.Action.VIEW,
            subject=_admin_list_subject(request, search_var="term"),
        )


def _admin_list_subject(request, *, search_var: str = SEARCH_VAR) -> str:
    """The list and its filters, as PersonalDataMixin logs a page; a search term is left out,
    as it may be a name or a national number (the log never holds personal data)."""
    params = request.GET.copy()
    searched = bool(params.pop(search_var, None))
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "") + (" (zoekopdracht)" if searched else "")


class KeyedChangeList(ChangeList):
    """A changelist whose page links carry the position of the page they lead to (see
    doorstroom.pagination): the position is no filter, and no other link keeps it (a new
    filter, search or order starts from its first page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each row links to its change page with the list's filters, page and position, so
        # that saving returns here. Django adds them to each row's URL after resolving that URL
        # to see whether it is this changelist (a tenth of a deep page's time, for a hundred
        # rows); a row's URL never is, so they are added here, as Django would add them.
        self.row_filters, self.preserved_filters = self.preserved_filters, ""
        # Nor does the search form keep the position (it starts from the first page).
        for name in (AFTER, BEFORE):
            self.params.pop(name, None)

    def url_for_result(self, result):
        url = super().url_for_result(result)
        if not self.row_filters:
            return url
        return f"{url}{'&' if '?' in url else '?'}{self.row_filters}"

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for name in (AFTER, BEFORE):
            lookup_params.pop(name, None)
        return lookup_params

    def get_query_string(self, new_params=None, remove=None):
        new_params = {AFTER: None, BEFORE: None, **(new_params or {})}
        return super().get_query_string(new_params, remove)


class BigTableAdminMixin:
    """The changelist of a table of a million rows: an estimated count, not two exact ones
    (filtered and full), and deep pages read from their position, as fast as the first (the
    app's admin/<app>/pagination.html writes the links with keyed_paginator_number)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return KeyedChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        positions = {}
        if issubclass(self.paginator, EstimatedCountPaginator):
            positions = {"after": request.GET.get(AFTER), "before": request.GET.get(BEFORE)}
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, **positions)


class AuditHistoryMixin:
    """Replaces the admin's "History" page with the database-recorded audit trail."""

    audit_related_event_models: tuple[str, ...] = ()

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = readable_history(obj, related_event_models=self.audit_related_event_models)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(record)s") % {"record": obj},
            "opts": self.model._meta,
            "object": obj,
            "entries": entries,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/audit_history.html", context)


admin.site.empty_value_display = "—"


class UserScopeInline(ScopedAdminMixin, admin.StackedInline):
    model = UserScope
    can_delete = True
    extra = 0
    max_num = 1
    autocomplete_fields = ["organisation"]
    verbose_name_plural = gettext_lazy("Scope (provincial staff or provider)")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DoorstroomUserAdmin(ScopedAdminMixin, UserAdmin):
    """Users with their role (group) and scope in one place."""

    inlines = [UserScopeInline]
    list_display = ["username", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("Role"))
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or "—"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ScopedAdminMixin, admin.ModelAdmin):
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
