"""The audit trail: which models are tracked, and how a record's history is read.

django-pghistory installs PostgreSQL triggers, so inserts, updates and deletes are recorded
whatever path they take: forms, services, `bulk_create`, `QuerySet.update`, imports or raw SQL.
The request middleware attaches the user and URL; services and commands add their own context
with `pghistory.context(...)`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import pghistory
import pgtrigger
from django.db import models


def audited(*, named_only: Sequence[str] = (), **kwargs):
    """Track every insert, update (row after the change) and delete (row before it).

    `named_only` fields (an INSZ, a name) are never copied into history, so erasing them (GDPR)
    leaves no copy behind; a change of them leaves an event whose label names the fields that
    changed ("changed: first_name, insz"), never their values.
    """
    # The events list pages each event table along this index (doorstroom.audit_admin).
    by_time = models.Index(fields=["pgh_created_at", "pgh_id"])
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        *_naming_events(named_only),
        exclude=[*kwargs.pop("exclude", ()), *named_only],
        meta={"indexes": [by_time]},
        **kwargs,
    )


def _naming_events(fields: Sequence[str]) -> Iterator[pghistory.UpdateEvent]:
    # A trigger's label is fixed, so there is one per set of fields that changed together
    # (each fires only when exactly its fields changed): one event per update, naming them all.
    for size in range(1, len(fields) + 1):
        for changed in itertools.combinations(fields, size):
            condition = pgtrigger.Q()
            for field in fields:
                # "ndf" rather than a negated "df": Django would add "IS NOT NULL" to the negation.
                lookup = "df" if field in changed else "ndf"
                condition &= pgtrigger.Q(
                    **{f"old__{field}__{lookup}": pgtrigger.F(f"new__{field}")}
                )
            yield pghistory.UpdateEvent(
                label=f"changed: {', '.join(changed)}",
                trigger_name=f"changed_{'_'.join(changed)}",
                condition=condition,
            )


def history_for(obj, *, related_event_models: tuple[str, ...] = ()) -> list:
    """The events of one record, newest first, with the diff of each and its context.

    `related_event_models` adds events of other tables that refer to the record (e.g. the
    provinces added to or removed from a mandate's working area).
    """
    from pghistory.models import Events

    events = list(Events.objects.tracks(obj))
    if related_event_models:
        events += list(Events.objects.references(obj).filter(pgh_model__in=related_event_models))
    return sorted(events, key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
