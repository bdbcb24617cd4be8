"""What was told and what retention did, for administrators: records, never edited here."""

from django.contrib import admin

from doorstroom.admin_scope import ScopedAdminMixin
from notifications.models import Notification, RetentionNotice, RetentionRun


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "key", "delivery", "emailed_at", "read_at"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["user"]
    search_fields = ["=key", "user__username"]
    date_hierarchy = "created_at"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "noticed_count", "erased_count", "years"]
    date_hierarchy = "ran_at"


@admin.register(RetentionNotice)
class RetentionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["worker", "due_on", "noticed_on"]
    list_select_related = ["worker"]
    list_filter = ["due_on"]
    search_fields = ["=worker__reference"]
