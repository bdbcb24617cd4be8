"""The two database roles: the owner, who migrates, and the application, which may not rewrite.

The application connects as a role that owns nothing: it reads and writes the application's
tables, but may only add to and read the audit trail (no UPDATE, DELETE or TRUNCATE of an event,
a context or a chain link, and no ALTER or DROP of their triggers, which only an owner may do).
Migrations and `flush` run as the owner (`settings.DATABASE_OWNER`, from `DATABASE_OWNER_URL`),
on the application's connection with the owner's credentials for their duration, so they reach
the very database the application uses (in tests, its test database).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import connections

CREDENTIALS = ("USER", "PASSWORD")

# The application's credentials, noted before the owner's are first put in their place
# (Django's settings_dict is the very dict that is swapped).
_application: dict[str, dict] = {}


def _current(alias: str) -> dict:
    return {key: connections[alias].settings_dict.get(key) or "" for key in CREDENTIALS}


def owner_credentials() -> dict:
    return {key: settings.DATABASE_OWNER.get(key) or "" for key in CREDENTIALS}


def application_credentials(alias: str = "default") -> dict:
    return _application.setdefault(alias, _current(alias))


def application_role(alias: str = "default") -> str:
    """The role the application connects as (also while the owner's credentials are in use)."""
    return application_credentials(alias)["USER"]


def is_separate(alias: str = "default") -> bool:
    """Whether the application has a role of its own (else one role owns and uses everything)."""
    return application_role(alias) != owner_credentials()["USER"]


@contextlib.contextmanager
def _credentials(alias: str, credentials: dict) -> Iterator[None]:
    connection = connections[alias]
    previous = _current(alias)
    if previous == credentials:
        yield
        return
    if connection.in_atomic_block:
        # Reconnecting would end the caller's transaction behind its back.
        raise RuntimeError("The database role cannot be changed inside a transaction.")
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(previous)


def as_owner(alias: str = "default") -> contextlib.AbstractContextManager[None]:
    """Use the owner's credentials on this connection for the duration."""
    application_credentials(alias)
    if not is_separate(alias):
        return contextlib.nullcontext()
    return _credentials(alias, owner_credentials())


def as_application(alias: str = "default") -> contextlib.AbstractContextManager[None]:
    """Use the application's credentials again (inside `as_owner`)."""
    return _credentials(alias, application_credentials(alias))
