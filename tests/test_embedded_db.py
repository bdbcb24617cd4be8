"""`make run` stopped with Ctrl+C or SIGTERM stops the embedded PostgreSQL it started.

Each test starts `make serve`, the server that `make run` ends with (runserver with its
autoreloader: a parent and a child process use the database, and a job worker beside them), on
its own embedded server in a temporary folder, stops make as a terminal or a process manager
would and waits for the postgres
server to be gone. About five seconds each, most of it initdb. One test starts `make run` itself
(migrate, seed, 300 demo trajectories, then a second make for `serve`): about 20 seconds more,
for the signal that has to pass through both makes.
"""

from __future__ import annotations

import contextlib
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


def is_running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def dev_server(tmp_path):
    """`make serve` on the embedded database in tmp_path; yields (process, postgres pid)."""
    yield from make_target(tmp_path, "serve", seconds=90)


@pytest.fixture
def run_server(tmp_path):
    """`make run`: migrate, seed and demo data on a new database, then `make serve`."""
    yield from make_target(tmp_path, "run", seconds=400)


def make_target(tmp_path: Path, target: str, *, seconds: float):
    tmp_path.chmod(0o755)  # as root, the library runs postgres as another user
    pgdata = tmp_path / "pgdata"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DATABASE_OWNER_URL", "SECRET_KEY")
    }
    env.update(DEBUG="1", EMBEDDED_PGDATA=str(pgdata), PYTHONUNBUFFERED="1")
    port = free_port()
    # The shared virtualenv is never reinstalled from a test: `-o install` for this make, and
    # for the second one `make run` starts (which `-o` does not reach) a stamp newer than the
    # requirements, passed down as a variable.
    stamp = tmp_path / "installed-stamp"
    stamp.touch()
    process = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "-o",
            "install",
            target,
            f"ADDRESS=127.0.0.1:{port}",
            f"STAMP={stamp}",
        ],
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
        wait_for(lambda: answers(port), seconds=seconds, what=f"make {target}: runserver answers")
        pid = postmaster_pid(pgdata)
        assert pid is not None and is_running(pid)
        yield process, pid
    finally:
        # The whole group: what make started may outlive it (the defect these tests look for).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        pid = postmaster_pid(pgdata)
        if pid is not None and is_running(pid):
            os.kill(pid, signal.SIGINT)  # leave no server behind, whatever the test found


def test_sigterm_to_make_stops_the_embedded_postgres(dev_server):
    process, postgres_pid = dev_server
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    wait_for(lambda: not is_running(postgres_pid), seconds=20, what="postgres stopped")


def test_ctrl_c_stops_the_embedded_postgres(dev_server):
    process, postgres_pid = dev_server
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    process.wait(timeout=20)
    wait_for(lambda: not is_running(postgres_pid), seconds=20, what="postgres stopped")


def test_sigterm_to_make_run_reaches_the_server_it_handed_over_to(run_server):
    """make run -> make serve -> manage.py serve (runserver and a job worker): each make passes
    SIGTERM on to what it runs, and the server stops its worker."""
    process, postgres_pid = run_server

    def commands():
        return [" ".join(p.cmdline()) for p in psutil.Process(process.pid).children(recursive=True)]

    wait_for(
        lambda: any("procrastinate worker" in c for c in commands()),
        seconds=20,
        what="a job worker beside the server",
    )
    server = psutil.Process(process.pid).children(recursive=True)
    assert any("manage.py serve" in c for c in commands())
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    wait_for(lambda: not is_running(postgres_pid), seconds=20, what="postgres stopped")
    wait_for(
        lambda: not any(is_running(p.pid) for p in server),
        seconds=20,
        what="make serve, runserver and the worker stopped",
    )
