"""The audit trail: which models are tracked, and how a record's history is read.

django-pghistory installs PostgreSQL triggers, so inserts, updates and deletes are recorded
whatever path they take: forms, services, `bulk_create`, `QuerySet.update`, imports or raw SQL.
The request middleware attaches the user and URL; services and commands add their own context
with `pghistory.context(...)`.
"""

from __future__ import annotations

import pghistory


def audited(**kwargs):
    """Track every insert, update (row after the change) and delete (row before it).

    Pass `exclude=[...]` for fields that must never be copied into history (an INSZ, a name).
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        **kwargs,
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
