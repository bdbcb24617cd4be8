"""The libraries' own words, in the user's language.

django-axes and django-pghistory ship no Dutch, and Django 5.2's Dutch lacks the admin index's
column headings for screen readers. Where a library marks its text for translation, the msgid is
listed here so that `makemessages` puts it in our catalog (LOCALE_PATHS is read before every
app's own). Where it does not (the apps' names, pghistory's events, their columns and filters),
the app configs below name them.
"""

import axes.apps
import pghistory.apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

MARKED_BY_THE_LIBRARIES = [
    # django.contrib.admin, templates/admin/app_list.html
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes, models.py and admin.py
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
]

# pghistory's events model: every field's name and help, by field name (its list and its page).
EVENT_FIELDS = {
    "pgh_slug": (_("key"), _("The event's key across all event tables.")),
    "pgh_model": (_("event table"), _("The table the event is kept in.")),
    "pgh_id": (_("event number"), _("The event's number in its table.")),
    "pgh_created_at": (_("when"), _("When the change was made.")),
    "pgh_label": (_("label"), _("What happened: insert, update, delete, or the fields changed.")),
    "pgh_data": (_("data"), _("The record after the change (before it, for a delete).")),
    "pgh_diff": (_("changes"), _("Each field changed since the previous event: old, new.")),
    "pgh_context_id": (_("context"), _("The key of the request or command that made the change.")),
    "pgh_context": (_("context data"), _("Who made the change, and where.")),
    "pgh_obj_model": (_("record type"), _("The kind of record changed.")),
    "pgh_obj_id": (_("record id"), _("The key of the record changed.")),
}
# The titles of its admin's filters, by filter class.
EVENT_FILTERS = {
    "LabelFilter": _("label"),
    "EventModelFilter": _("event model"),
    "MethodFilter": _("method"),
    "ObjFilter": _("object"),
    "ModelFilter": _("model"),
}


class AxesConfig(axes.apps.AppConfig):
    verbose_name = _("Login attempts")


def _event_name(event) -> str:
    return _("event %(key)s") % {"key": event.pgh_slug}


class PGHistoryConfig(pghistory.apps.PGHistoryConfig):
    verbose_name = _("Change history")

    def ready(self) -> None:
        super().ready()
        events = self.get_model("Events")
        events._meta.verbose_name = _("event")
        events._meta.verbose_name_plural = _("events")
        for name, (label, help_text) in EVENT_FIELDS.items():
            field = events._meta.get_field(name)
            field.verbose_name, field.help_text = label, help_text
        events.__str__ = _event_name
        from pghistory.admin import core

        for name, title in EVENT_FILTERS.items():
            getattr(core, name).title = title
