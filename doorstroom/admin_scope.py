"""Writes in the admin scoped like reads: one mixin on every ModelAdmin and inline.

A model whose QuerySet has `visible_to(user)` (doorstroom.roles) is scoped; a model without one
(provinces, calls, organisations, pilots, ...) is the same for everyone. Through this mixin the
admin lists, opens, changes and deletes only the records the user may see, offers and accepts
in its foreign-key and many-to-many fields only the records the user may see (a submitted id
outside the scope is "not a valid choice", nothing is saved), and refuses a save that would
leave the record outside the user's scope (rolled back with the admin's transaction).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

OUT_OF_SCOPE_MESSAGE = _("After this change you could no longer see the record: not saved.")


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    """The part of `queryset` that `user` may see: its model's `visible_to`, where it has one."""
    visible_to = getattr(queryset, "visible_to", None)
    return queryset if visible_to is None else visible_to(user)


def in_scope(request, obj, *, fresh: bool = False) -> bool:
    """Whether the user of `request` may see `obj` (a new, unsaved object: yes).

    The answer is kept on the request: the admin asks its permission methods about the same
    object several times per page, and the answer cannot change while the page is built. A
    check after a save (`fresh`) asks the database again.
    """
    if obj is None or obj.pk is None:
        return True
    queryset = type(obj)._default_manager.all()
    if not hasattr(queryset, "visible_to"):
        return True
    known = request.__dict__.setdefault("_doorstroom_in_scope", {})
    key = (obj._meta.label, obj.pk)
    if fresh or key not in known:
        known[key] = queryset.visible_to(request.user).filter(pk=obj.pk).exists()
    return known[key]


class KnownRowsFormSetMixin:
    """An inline row's id must be one of the rows the formset holds (its parent's, in scope).
    Django accepts any id of the table there and then silently skips the row it does not
    know: the user's edit is lost without a word."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self.model._meta.pk.name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = self.get_queryset()


class ScopedAdminMixin:
    """For ModelAdmin and InlineModelAdmin alike (an inline's `obj` is its parent)."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        # Django builds every foreign-key and many-to-many form field's choices (and so the
        # validation of a submitted id) from this queryset, autocomplete and raw id fields too.
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return scoped(queryset, request.user)

    def get_formset(self, request, obj=None, **kwargs):
        # Only inlines have get_formset (a ModelAdmin builds its formsets through them).
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (KnownRowsFormSetMixin, formset), {})

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and in_scope(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        # ModelAdmin asks without an object, an inline with its parent.
        parent = args[0] if args else kwargs.get("obj")
        return super().has_add_permission(request, *args, **kwargs) and in_scope(request, parent)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The last line of defence (a form should have said why before): the record and its
        # inlines are saved, so the real visible_to decides; the admin's transaction rolls
        # the whole save back.
        if not in_scope(request, form.instance, fresh=True):
            raise PermissionDenied(OUT_OF_SCOPE_MESSAGE)
