"""Two people editing the same record: the second save of a stale copy is refused.

A model opts in with a `version` field and `version_bump_trigger()` in its Meta.triggers: the
database raises the version on every UPDATE, whatever path it takes (form, service, bulk update,
import). A form built on `OptimisticLockForm` carries the version it was opened with and, inside
the admin's transaction, locks the row and compares before saving.

Django's users and groups cannot get a field: their version is kept by the database in
`doorstroom.AccountVersion` (a row appears with the first change), read the same way.
"""

from __future__ import annotations

import functools

import pgtrigger
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SEEN_VERSION = "seen_version"

STALE_MESSAGE = _(
    "Someone else changed this record after you opened it. Your changes were not saved: open "
    "the record again and then make them."
)


def version_field() -> models.PositiveIntegerField:
    """Raised by `version_bump_trigger` on every update, so a form opened before someone else's
    change (or a service's, or a bulk update) cannot silently overwrite it."""
    return models.PositiveIntegerField(_("version"), db_default=1, editable=False)


def version_bump_trigger() -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name="version_bump",
        operation=pgtrigger.Update,
        when=pgtrigger.Before,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


# Models whose version the database keeps beside them (migration doorstroom 0004).
ACCOUNTS = {"auth.user", "auth.group"}


def current_version(model, pk, *, lock: bool = False) -> int | None:
    """The row's version; with `lock`, the row is locked until the transaction ends."""
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    if model._meta.label_lower not in ACCOUNTS:
        return rows.values_list("version", flat=True).first()
    if not rows.exists():
        return None
    from doorstroom.models import AccountVersion

    kept = AccountVersion.objects.filter(table=model._meta.db_table, row_id=pk)
    return kept.values_list("version", flat=True).first() or 1


class OptimisticLockForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # In the form's initial data, like the model's fields, so whatever sends a form's
            # initial data back (a test, a script) sends the version too.
            self.initial[SEEN_VERSION] = current_version(type(self.instance), self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            refuse_stale(
                model=type(self.instance),
                pk=self.instance.pk,
                seen_version=cleaned.get(SEEN_VERSION),
            )
        return cleaned


def refuse_stale(*, model, pk, seen_version: int | None) -> None:
    """Lock the row until the caller's transaction ends and refuse a copy of another version
    (no version seen is refused too: a form always carries the one it was opened with)."""
    if seen_version != current_version(model, pk, lock=True):
        raise ValidationError(STALE_MESSAGE, code="stale")


def is_versioned(model) -> bool:
    return model._meta.label_lower in ACCOUNTS or any(
        field.name == "version" for field in model._meta.concrete_fields
    )


def with_lock(form_class: type[forms.ModelForm], model) -> type[forms.ModelForm]:
    """`form_class` with the lock, for a versioned model (a class made once per form class)."""
    if not is_versioned(model) or issubclass(form_class, OptimisticLockForm):
        return form_class
    if form_class is forms.ModelForm:
        return OptimisticLockForm
    return _locked(form_class)


@functools.cache
def _locked(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    return type(
        form_class.__name__, (OptimisticLockForm, form_class), {"__module__": form_class.__module__}
    )
