import os
import secrets

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation
from psycopg import sql

from doorstroom import dbroles
from doorstroom.models import UserScope
from doorstroom.roles import Role
from doorstroom.seeds import load_all

pytest_plugins = ["tests.browser_support", "tests.notifications_support", "tests.job_worker"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_blocker):
    """The test database is created, migrated and dropped as the owner role.

    With one role configured for both (a superuser's DATABASE_URL), the suite makes a role of
    its own for the application, so the tests always run as the application does in production.
    """
    if connection.settings_dict["USER"] == dbroles.owner_credentials()["USER"]:
        with django_db_blocker.unblock():
            _give_the_application_a_role_of_its_own()
    with dbroles.as_owner():
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The tests themselves run as the application role."""
    with dbroles.as_application():
        yield


def connect_as(credentials: dict) -> psycopg.Connection:
    """A connection of its own to the test database with these credentials, in autocommit."""
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        dbname=settings_dict["NAME"],
        user=credentials["USER"],
        password=credentials["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def owner_sql(transactional_db):
    """A connection of the owner role, for what only the owner may do.

    ANALYZE, or tampering with the audit trail as a superuser would: it sees only what the test
    committed, hence the transactional database.
    """
    with connect_as(dbroles.owner_credentials()) as conn:
        yield conn


def _give_the_application_a_role_of_its_own() -> None:
    settings_dict = connection.settings_dict
    # One role per xdist worker: each sets its own password.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    role = f"test_{settings_dict['NAME']}_app{'_' + worker if worker else ''}"
    password = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        statement = sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(password)
        )
        cursor.execute(statement.as_string(cursor.cursor.connection))
    connection.close()
    settings_dict.update({"USER": role, "PASSWORD": password})


@pytest.fixture
def seed(db):
    """The seed data of every app, loaded as `make run` loads it."""
    return load_all()


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        username="medewerker", password="een-lang-wachtwoord-2026", is_staff=True, is_superuser=True
    )


PASSWORD = "een-lang-wachtwoord-2026"


@pytest.fixture
def make_user(db):
    """A user with a role (a group) and, for provincial staff and providers, a scope."""

    def make(username: str, role: Role | None, *, province=None, organisation=None, **extra):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        if province is not None or organisation is not None:
            UserScope.objects.create(user=user, province=province, organisation=organisation)
        return user

    return make


@pytest.fixture
def user(make_user):
    """A VDAB editor: sees and edits every record (role-specific tests use make_user)."""
    return make_user("redacteur", Role.EDITOR)


@pytest.fixture
def editor(user):
    """The same VDAB editor, by the name the import tests give it."""
    return user


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production hashes static files at collectstatic time; tests do not run collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch), as a request without a choice would:
    a request in English leaves English active in the thread (Django's LocaleMiddleware does
    not switch back), and the next test would read its messages in English."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _evidence_in_a_temporary_folder(tmp_path, monkeypatch):
    """Evidence of claims uploaded by a test is kept in the test's own folder (payments)."""
    from django.core.files.storage import FileSystemStorage

    from payments.models import EvidenceDocument

    storage = FileSystemStorage(location=tmp_path / "evidence")
    monkeypatch.setattr(EvidenceDocument._meta.get_field("file"), "storage", storage)


@pytest.fixture(autouse=True)
def _no_filter_forms_of_another_test():
    """The filter forms a worker keeps (doorstroom.filter_forms) are keyed by the database's
    version of their choices: a test's rollback sets that version back, and the next test could
    meet a form rendered for the same version on other rows."""
    from doorstroom import filter_forms

    filter_forms.forget()
    yield


@pytest.fixture
def people(seed, make_user):
    """The people of paying providers, each with the role a step of a claim needs
    (tests/factories/payments.py)."""
    from tests.factories.payments import payment_people

    return payment_people(make_user)
