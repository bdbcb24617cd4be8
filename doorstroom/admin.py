from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.text import smart_split, unescape_string_literal
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

    def get_ordering(self, request, queryset):
        # A column chosen in the header is the order, its ties broken by the key: the
        # queryset's own order (the list's default) is not added after it, as Django does.
        if ORDER_VAR in self.params:
            queryset = queryset.order_by()
        return super().get_ordering(request, queryset)

    def _get_deterministic_ordering(self, ordering):
        """Ties broken by the key in the direction of the column sorted on, not always
        descending as Django does: `status, id` and `-status, -id` are one index read forwards
        or backwards (the sort indexes are `(column, id)`), where `status, -id` sorted every
        row of a status (0.6 s at a million trajectories)."""
        given = len(ordering)
        ordering = super()._get_deterministic_ordering(ordering)
        if len(ordering) > given > 0 and isinstance(ordering[-2], str):
            ordering[-1] = "-pk" if ordering[-2].startswith("-") else "pk"
        return ordering


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


class SearchByKeysMixin:
    """An admin search on fields of related records (`=worker__reference`, `mandate__name`)
    that looks in the related tables first and then takes this table's rows by their keys.

    Django's search joins every related table and tests each row: `UPPER(worker.reference) =
    'DW-0001' OR UPPER(mandate.name) LIKE '%DW-0001%'` over a million trajectories is a scan of
    them all (3.4 s), as no index holds an OR across tables. Here each relation is searched in
    its own table, with its own index (one query per relation and word, whatever the size),
    and the rows are those with `worker_id IN (...) OR mandate_id IN (...)`: index scans of
    the foreign keys. A related search field that follows a relation further is searched the
    same way in its table. Search fields on the model's own columns go to Django's search."""

    def get_search_results(self, request, queryset, search_term):
        by_relation = self._search_relations(request)
        if not search_term or by_relation is None:
            return super().get_search_results(request, queryset, search_term)
        terms = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            found = Q(pk__in=[])
            for relation, fields in by_relation.items():
                related = self.model._meta.get_field(relation).related_model
                searcher = _related_searcher(related, fields, self.admin_site)
                matches, _ = searcher.get_search_results(
                    request, related._default_manager.order_by(), bit
                )
                found |= Q(**{f"{relation}__in": list(matches.values_list("pk", flat=True))})
            terms.append(found)
        return queryset.filter(*terms), False

    def _search_relations(self, request) -> dict[str, list[str]] | None:
        """Relation -> its search fields (with their prefix), or None when a field is the
        model's own or not a foreign key."""
        by_relation: dict[str, list[str]] = {}
        for name in map(str, self.get_search_fields(request)):
            prefix = name[0] if name[0] in "=^@" else ""
            relation, _, rest = name.removeprefix(prefix).partition("__")
            field = self.model._meta.get_field(relation)
            if not rest or not field.many_to_one:
                return None
            by_relation.setdefault(relation, []).append(prefix + rest)
        return by_relation or None


def _related_searcher(model, fields: list[str], site) -> admin.ModelAdmin:
    searcher = type("RelatedSearch", (SearchByKeysMixin, admin.ModelAdmin), {})(model, site)
    searcher.search_fields = fields
    return searcher


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
