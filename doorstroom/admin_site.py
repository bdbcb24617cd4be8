"""The admin site: every model admin and inline is registered with the same safeguards.

* One optimistic lock (doorstroom.concurrency): a model with a `version` gets the
  OptimisticLockForm, so a change form opened before someone else saved is refused with
  STALE_MESSAGE, whichever admin class shows it; the form carries the hidden `seen_version`.
* A rule only the database knows (a trigger or constraint, e.g. a phase outside its
  trajectory's dates) refuses the save on the form, with the database's message, instead of a
  server error: the save is rolled back and the same POST shown again with that error. A
  refused deletion returns to its confirmation page with the message, a refused action on
  selected rows (a bulk delete) to the list, with nothing changed.

* Every model's pages link the project's admin style sheet (doorstroom/static/doorstroom/
  admin.css).
* Decimal fields (amounts, hours) are typed and shown as the page's language writes them
  (doorstroom.forms.LocalDecimalField): 1.500,50 and 12,00 in Dutch.

Done here, at registration, so that no admin class can forget either (settings.INSTALLED_APPS
names DoorstroomAdminConfig, whose default site this is). The site's autocomplete, a search of
any model behind a foreign key, lets the target's admin refuse and log it (AutocompleteView).
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, router, transaction
from django.shortcuts import redirect

from doorstroom import sql
from doorstroom.concurrency import SEEN_VERSION, is_versioned, with_lock
from doorstroom.forms import LocalDecimalField

# Set on the request when the database refused its save, for the form shown again.
REFUSAL = "_database_refusal"


def database_message(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return (diag and diag.message_primary) or str(error).splitlines()[0]


def check_deferred_now() -> None:
    """Run the checks deferred to the commit (see trajectories migration 0007) now, before the
    admin reports success, while a refusal can still be shown."""
    with connection.cursor() as cursor:
        cursor.execute(sql.CONSTRAINTS_NOW)


class LockedFieldsetsMixin:
    """The hidden `seen_version` is on every form that may save a versioned row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = with_lock(self.form, self.model)
        # Amounts and hours typed and shown as the page's language writes them (12,00 in
        # Dutch), in a text box: a number box drops the Dutch comma (1500,5 saved as 15005).
        self.formfield_overrides = {
            **self.formfield_overrides,
            models.DecimalField: {
                "form_class": LocalDecimalField,
                **self.formfield_overrides.get(models.DecimalField, {}),
            },
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_versioned(self.model) or obj is None:
            # A new row has nothing to lock (and the user admin adds with a form of its own).
            return fieldsets
        shown = SEEN_VERSION in flatten_fieldsets(fieldsets)
        if not self.has_change_permission(request, obj):
            # A view-only page saves nothing; the field would show as an empty read-only row.
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f != SEEN_VERSION]})
                for name, options in fieldsets
            ]
        if shown:
            return fieldsets
        return [*fieldsets, (None, {"fields": [SEEN_VERSION]})]


@functools.cache
def locked_inline(inline_class: type) -> type:
    if issubclass(inline_class, LockedFieldsetsMixin):
        return inline_class
    return type(
        inline_class.__name__,
        (LockedFieldsetsMixin, inline_class),
        {"__module__": inline_class.__module__},
    )


class LockedAdminMixin(LockedFieldsetsMixin):
    @property
    def media(self):
        # The admin's own style sheet (the sidebar's words whole, inlines that scroll).
        return super().media + forms.Media(css={"all": ["doorstroom/admin.css"]})

    def get_inlines(self, request, obj):
        return [locked_inline(inline) for inline in super().get_inlines(request, obj)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL, None)
        if refusal is None:
            return form

        def clean(self):
            super(refused, self).clean()
            raise ValidationError(refusal, code="database")

        refused = type(form.__name__, (form,), {"clean": clean, "__module__": form.__module__})
        return refused

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        check_deferred_now()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        check_deferred_now()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        check_deferred_now()

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().delete_view(request, object_id, extra_context)
        except IntegrityError as error:
            self.message_user(request, database_message(error), messages.ERROR)
        return redirect(request.path)

    def changelist_view(self, request, extra_context=None):
        # An action on the selected rows (a bulk delete) is all or nothing, and a refusal by
        # the database comes back to the list with its message.
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                response = super().changelist_view(request, extra_context)
                check_deferred_now()
                return response
        except IntegrityError as error:
            self.message_user(request, database_message(error), messages.ERROR)
        return redirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            setattr(request, REFUSAL, database_message(error))
        return super().changeform_view(request, object_id, form_url, extra_context)


class AutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, which serves any foreign key named in its query string (not
    only the admin's autocomplete fields): the target's admin may refuse and log the search
    (`autocomplete_access`, on the admins of records about workers)."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if not source_field.concrete:
            # A reverse relation: Django would search its model, then fail (a server error).
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        # Called once the user may view the target model, before anything is read.
        access = getattr(self.model_admin, "autocomplete_access", None)
        if access is not None:
            access(self.request)
        return super().get_queryset()


class DoorstroomAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return AutocompleteView.as_view(admin_site=self)(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, LockedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (LockedAdminMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


class DoorstroomAdminConfig(AdminConfig):
    default_site = "doorstroom.admin_site.DoorstroomAdminSite"
