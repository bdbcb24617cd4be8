"""The audit trail as people read it: the admin's history page of a record.

pghistory stores each event's row as JSON: column names (`province_basis`, `call_id`), raw
values (ids, choice keys, ISO dates and UTC time stamps) and, for an update, the changed columns
only. Here each becomes the field's label and the value as the application shows it (the related
record's name, the choice's label, the date and local time in the active language's format).
Events of the rows that belong to the record (a province of a mandate's working area, a phase
of a trajectory) say what was added or removed, described by their own fields.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from doorstroom.audit import history_for

EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    what: str
    who: str
    where: str
    # For an update, each changed field before and after; for an insert or a delete, the
    # fields of the row added or removed (`after`, `before` empty).
    changes: list[Change] = field(default_factory=list)
    is_update: bool = False


def readable_history(obj, *, related_event_models: tuple[str, ...] = ()) -> list[HistoryEntry]:
    """The history of `obj` (see `history_for`), newest first, as the admin's page shows it."""
    events = history_for(obj, related_event_models=related_event_models)
    tracked = {e.pgh_model: apps.get_model(e.pgh_model).pgh_tracked_model for e in events}
    shown = {label: _shown_fields(model, parent=type(obj)) for label, model in tracked.items()}
    names = _related_names(events, shown)
    users = _user_names(events)
    entries = []
    for event in events:
        fields = shown[event.pgh_model]
        model = tracked[event.pgh_model]
        context = event.pgh_context or {}
        if event.pgh_label == "update":
            diff = event.pgh_diff or {}
            changes = [
                Change(
                    label=_label(f),
                    before=_value(f, diff[f.attname][0], names),
                    after=_value(f, diff[f.attname][1], names),
                )
                for f in fields
                if f.attname in diff
            ]
            if not changes:
                continue  # only what is not shown changed (a time stamp, a version number)
        else:
            data = event.pgh_data or {}
            changes = [
                Change(label=_label(f), before="", after=_value(f, data.get(f.attname), names))
                for f in fields
                if data.get(f.attname) not in (None, "")
            ]
        entries.append(
            HistoryEntry(
                when=timezone.localtime(event.pgh_created_at),
                what=_what(event.pgh_label, model, is_record=isinstance(obj, model)),
                who=users.get(str(context.get("user")), ""),
                where=context.get("url") or context.get("command") or context.get("import") or "",
                changes=changes,
                is_update=event.pgh_label == "update",
            )
        )
    return entries


def _what(label: str, model: type[models.Model], *, is_record: bool) -> str:
    if is_record:
        return {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}.get(
            label, label
        )
    name = capfirst(model._meta.verbose_name)
    return {
        "insert": _("%(name)s added") % {"name": name},
        "update": _("%(name)s changed") % {"name": name},
        "delete": _("%(name)s removed") % {"name": name},
    }.get(label, label)


def _shown_fields(model: type[models.Model], *, parent: type[models.Model]) -> list[models.Field]:
    """The fields a reader is shown: not the key, nor the link to the record whose history this
    is (a phase's trajectory), nor what the application or the database keeps by itself (time
    stamps, a version number, a trajectory's current phase: its phases' entries say it)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not (f.is_relation and issubclass(parent, f.related_model))
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        and f.editable
    ]


def _label(f: models.Field) -> str:
    return capfirst(f.verbose_name)


def _related_names(events, shown) -> dict[tuple[type[models.Model], str], str]:
    """The name of every record the events refer to, one query per related model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        for f in shown[event.pgh_model]:
            if f.is_relation:
                before_after = (event.pgh_diff or {}).get(f.attname) or []
                for key in {(event.pgh_data or {}).get(f.attname), *before_after}:
                    if key is not None:
                        wanted[f.related_model].add(key)
    names = {}
    for model, keys in wanted.items():
        for pk, record in model._base_manager.in_bulk(list(keys)).items():
            names[(model, str(pk))] = str(record)
    return names


def _user_names(events) -> dict[str, str]:
    ids = {str(e.pgh_context.get("user")) for e in events if e.pgh_context}
    ids = [i for i in ids if i.isdigit()]
    return {str(u.pk): u.get_username() for u in get_user_model().objects.filter(pk__in=ids)}


def _value(f: models.Field, raw, names) -> str:
    if raw is None or raw == "":
        return EMPTY
    if f.is_relation:
        # A record deleted since is no longer there to be named.
        return names.get((f.related_model, str(raw)), _("deleted record #%(id)s") % {"id": raw})
    if f.choices:
        return str(dict(f.flatchoices).get(raw, raw))
    if isinstance(f, models.BooleanField):
        return _("yes") if raw else _("no")
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        day = parse_date(str(raw)[:10])
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else str(raw)
    if isinstance(f, models.DecimalField):
        try:
            return formats.number_format(Decimal(str(raw)), f.decimal_places, use_l10n=True)
        except InvalidOperation:
            return str(raw)
    return str(raw)
