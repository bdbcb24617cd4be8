import pytest
from django.contrib.auth import get_user_model

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


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="analist", password="een-lang-wachtwoord-2026"
    )


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
