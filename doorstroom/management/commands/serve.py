"""runserver with one job worker beside it (`make run`, `make serve`): the worker is started
once, by the outer process (not again by the autoreloader's child), and stopped when the server
stops, by Ctrl+C or SIGTERM. In production the worker runs on its own (README, "Background
jobs")."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "runserver and one procrastinate worker, stopped together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options) -> None:
        # runserver's autoreloader runs this command again in a child (RUN_MAIN=true).
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "procrastinate", "worker"]
            )
        try:
            call_command("runserver", options["addrport"])
        finally:
            if worker is not None:
                _stop(worker)


def _stop(worker: subprocess.Popen) -> None:
    # On Ctrl+C the terminal signalled the worker too; a second signal would abort its jobs
    # rather than let them finish (procrastinate), so only one is sent.
    if worker.poll() is None:
        try:
            worker.wait(timeout=1)
        except subprocess.TimeoutExpired:
            worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
