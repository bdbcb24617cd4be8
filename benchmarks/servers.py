"""The application served as in production (gunicorn) and loaded from outside (wrk)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.database import BASE_DIR
from benchmarks.measure import bench_user, client_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        wrk = shutil.which("wrk")
    return wrk


def wrk_rate(wrk: str, url: str, cookie: str, seconds: int) -> tuple[float, str]:
    output = subprocess.run(
        [wrk, "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = next(float(line.split()[1]) for line in output.splitlines() if "Requests/sec" in line)
    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "errors" in line]
    return rate, "; ".join(errors)


@contextlib.contextmanager
def gunicorn_server(**settings: str):
    """gunicorn as in production (doorstroom/gunicorn.py: 2 threaded workers) on a free port;
    `settings` override its GUNICORN_* variables. Yields the base URL and the server process."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_LOG_LEVEL="warning")
    env.update({f"GUNICORN_{key.upper()}": value for key, value in settings.items()})
    server = subprocess.Popen(
        [gunicorn, "-c", "python:doorstroom.gunicorn", "--access-logfile", "/dev/null",
         "doorstroom.wsgi"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def session_cookie() -> str:
    from django.conf import settings

    client = client_for(bench_user())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
