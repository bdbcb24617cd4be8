"""`make run` stopped with Ctrl+C or SIGTERM stops the embedded PostgreSQL it started.

Each test starts `make serve`, the server that `make run` ends with (runserver with its
autoreloader: a parent and a child process use the database), on its own embedded server in a
temporary folder, stops make as a terminal or a process manager would and waits for the postgres
server to be gone. About five seconds each, most of it initdb.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"not within {seconds} s: {what}")


def answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def postmaster_pid(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def postgres_is_running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def dev_server(tmp_path):
    """runserver on the embedded database in tmp_path; yields (process, postgres pid)."""
    tmp_path.chmod(0o755)  # as root, the library runs postgres as another user
    pgdata = tmp_path / "pgdata"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DATABASE_OWNER_URL", "SECRET_KEY")
    }
    env.update(DEBUG="1", EMBEDDED_PGDATA=str(pgdata), PYTHONUNBUFFERED="1")
    port = free_port()
    process = subprocess.Popen(
        # `-o install`: the shared virtualenv is never reinstalled from a test.
        ["make", "--no-print-directory", "-o", "install", "serve", f"ADDRESS=127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group, as a terminal gives `make run`: Ctrl+C signals the whole group.
        start_new_session=True,
        # A shell ignores SIGINT in what it starts in the background (as CI may run the tests);
        # a terminal's Ctrl+C reaches a process that has the default handler.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        wait_for(lambda: answers(port), seconds=40, what="runserver answers")
        pid = postmaster_pid(pgdata)
        assert pid is not None and postgres_is_running(pid)
        yield process, pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        pid = postmaster_pid(pgdata)
        if pid is not None and postgres_is_running(pid):
            os.kill(pid, signal.SIGINT)  # leave no server behind, whatever the test found


def test_sigterm_to_make_stops_the_embedded_postgres(dev_server):
    process, postgres_pid = dev_server
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    wait_for(lambda: not postgres_is_running(postgres_pid), seconds=20, what="postgres stopped")


def test_ctrl_c_stops_the_embedded_postgres(dev_server):
    process, postgres_pid = dev_server
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    process.wait(timeout=20)
    wait_for(lambda: not postgres_is_running(postgres_pid), seconds=20, what="postgres stopped")
