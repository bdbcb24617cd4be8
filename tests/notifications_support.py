"""A real SMTP server for a test (aiosmtpd), and procrastinate's real worker run against the
test database: the periodic task deferred by procrastinate's own periodic deferrer, then run by
a worker until the queue is empty."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from procrastinate.contrib.django import app, procrastinate_app
from procrastinate.periodic import PeriodicDeferrer, PeriodicRegistry

from notifications.tasks import QUEUE


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(("html",)).get_content()

    def everything(self) -> str:
        """Every header and part of every message, decoded."""
        return "\n".join(
            str(m["Subject"]) + "\n" + self.text(m) + "\n" + self.html(m) for m in self.messages
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def periodic_task(periodic_id: str):
    [task] = [
        t for (_name, pid), t in app.periodic_registry.periodic_tasks.items() if pid == periodic_id
    ]
    return task


@contextlib.contextmanager
def _without_periodic_deferrer():
    """The worker's own deferrer would add a job for a schedule that fell in the last ten
    minutes; the tests defer exactly the runs they mean."""
    real = procrastinate_app.current_app  # `app` is a proxy: set the attribute on the app
    registry = real.periodic_registry
    real.periodic_registry = PeriodicRegistry()
    try:
        yield
    finally:
        real.periodic_registry = registry


def run_in_a_thread_of_its_own(main) -> None:
    """asyncio.run(main()) in a thread of its own: a browser test's Playwright (sync API) leaves
    its event loop marked as running in the thread of the tests it ran in."""
    failures = []

    def target():
        try:
            asyncio.run(main())
        except BaseException as failure:
            failures.append(failure)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def defer_periodic(periodic_id: str, timestamp: int) -> None:
    """Defer one scheduled run of a periodic task as procrastinate's deferrer does."""

    async def defer():
        async with app.open_async():
            deferrer = PeriodicDeferrer(registry=app.periodic_registry)
            await deferrer.defer_jobs([(periodic_task(periodic_id), timestamp)])

    with app.replace_connector(app.connector.get_worker_connector()):
        run_in_a_thread_of_its_own(defer)


def run_worker() -> None:
    """A real worker on the notifications queue, until no job is left."""

    async def work():
        async with app.open_async():
            await app.run_worker_async(
                queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False
            )

    with app.replace_connector(app.connector.get_worker_connector()), _without_periodic_deferrer():
        run_in_a_thread_of_its_own(work)


@pytest.fixture
def jobs(transactional_db):
    """The jobs of this test (the queue's tables are not emptied between tests: they are
    procrastinate's, not a model's of ours), as (task, status)."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    first = ProcrastinateJob.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def statuses() -> list[tuple[str, str]]:
        return list(
            ProcrastinateJob.objects.filter(id__gt=first)
            .order_by("id")
            .values_list("task_name", "status")
        )

    return statuses
