import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from doorstroom.models import UserScope
from doorstroom.roles import Role
from doorstroom.seeds import load_all

pytest_plugins = ["tests.browser_support"]


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
