import os
import secrets
import subprocess
import sys

from django.conf import settings


def run_settings(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_OWNER_URL")
    }
    base["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # never connected to here
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import doorstroom.settings as s; print(s.DEBUG, len(s.SECRET_KEY))",
        ],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key_and_debug_off():
    result = run_settings({"SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 50"


def test_database_is_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def run_manage(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DATABASE_OWNER_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "diffsettings", "--output", "unified"],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_manage_py_on_a_developers_machine_runs_without_a_secret_key():
    result = run_manage({})  # no DATABASE_URL: the embedded database, DEBUG on
    assert result.returncode == 0, result.stderr
    assert "+ DEBUG = True" in result.stdout


def test_manage_py_with_a_real_database_still_requires_a_secret_key():
    result = run_manage({"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def run_deploy_check(env: dict) -> subprocess.CompletedProcess:
    """`make deploy-check` with these database settings (never connected to)."""
    # Without what the test run sets for itself (plain HTTP, the browser tests' async flag).
    test_run = ("SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DATABASE_OWNER_URL", *test_run)
    }
    production = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "doorstroom.example.be",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**base, **production, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deploy_check_warns_when_the_application_owns_the_database():
    """One role for both: the application could rewrite the audit trail."""
    result = run_deploy_check({"DATABASE_URL": "postgres://doorstroom:x@127.0.0.1:1/doorstroom"})
    assert result.returncode != 0
    assert "(doorstroom.W001) The application connects as the role that owns" in result.stderr


def test_the_deploy_check_passes_with_an_owner_role_of_its_own():
    result = run_deploy_check(
        {
            "DATABASE_URL": "postgres://doorstroom_app:x@127.0.0.1:1/doorstroom",
            "DATABASE_OWNER_URL": "postgres://doorstroom_owner:y@127.0.0.1:1/doorstroom",
        }
    )
    assert result.returncode == 0, result.stderr


def test_the_application_runs_without_jit_compilation(db):
    """JIT cost more than it saved on the aggregates (README, Performance)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
