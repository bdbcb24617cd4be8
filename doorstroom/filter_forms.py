"""The filter form of a listing, rendered once per worker process for each user, language,
filter values and version of the choices, and served from there (issue 21, throughput).

A filter form is a third of a listing's time: its selects (calls, mandates, provinces, phases,
statuses) render every option through Django's widget templates, and read their choices with a
query each. What it shows depends only on the filter values in the URL, the user (whose scope
narrows the choices), the language, today (date checks) and the rows its choices are read from.
The database keeps a version of the last (`doorstroom_choicesversion`, bumped by a trigger on
every statement that writes one of those tables: migration doorstroom/0005): one query per page
reads it, and a form rendered for another version is rendered again. Nothing outside the
database decides what a page shows, and every worker sees a change at its next page."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from doorstroom import sql

TEMPLATE = "doorstroom/_filter_form.html"
# Forms kept per process: a few per listing and user; the oldest go first.
KEPT = 512

_rendered: OrderedDict[tuple, str] = OrderedDict()
_lock = Lock()


def choices_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql.CHOICES_VERSION)
        return cursor.fetchone()[0]


def field_names(filterset) -> list[str]:
    """The names of the filter form's fields, without building the form (0.8 ms a page when
    nothing else needs it: an unbound filterset filters without it): a field per filter, and
    those the form class declares itself."""
    return [*filterset.filters, *filterset._meta.form.base_fields]


def cache_key(filterset, request, version: int) -> tuple:
    values = tuple(
        (name, tuple(request.GET.getlist(name)))
        for name in field_names(filterset)
        if name in request.GET
    )
    user = getattr(request, "user", None)
    return (
        type(filterset).__module__,
        type(filterset).__qualname__,
        request.path,
        translation.get_language(),
        getattr(user, "pk", None),
        values,
        timezone.localdate(),
        version,
    )


def rendered_filter_form(filterset, request) -> str:
    """The form's HTML (TEMPLATE), from this process's store when it holds it for the current
    version."""
    key = cache_key(filterset, request, choices_version())
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = render_to_string(TEMPLATE, {"filter": filterset, "request": request})
    with _lock:
        _rendered[key] = html
        while len(_rendered) > KEPT:
            _rendered.popitem(last=False)
    return html


def forget() -> None:
    """Empty this process's store (tests)."""
    with _lock:
        _rendered.clear()
