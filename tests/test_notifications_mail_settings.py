"""Where mail goes: the console in development, the SMTP server of the environment otherwise."""

import os
import subprocess
import sys

from django.conf import settings

PRINT = (
    "import doorstroom.settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
)


def mail_settings(env: dict) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_OWNER_URL"},
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_development_writes_mail_to_the_console():
    backend, *_ = mail_settings({"DEBUG": "1", "SECRET_KEY": ""})
    assert backend == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_through_the_smtp_server_of_the_environment():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "EMAIL_HOST": "smtp.vdab.example",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "1",
    }
    assert mail_settings(env) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.vdab.example",
        "587",
        "True",
    ]
