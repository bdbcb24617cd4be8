"""Lockout per user name and client address behind the proxy, and the password
rules."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD

PROXY = "127.0.0.1"  # every request reaches gunicorn from the proxy
A, B = "198.51.100.7", "203.0.113.9"


def login(client, password: str, *, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": "redacteur", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_failures_from_one_address_lock_out_that_address_only(
    client, user, settings
):
    settings.SECURE_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # What the client sends is kept to the left; the proxy appends the address it saw.
        login(client, "verkeerd-wachtwoord", forwarded_for=f"10.0.0.1, {A}")
    assert login(client, PASSWORD, forwarded_for=A).status_code == 429
    # The same user from another address still logs in.
    assert login(client, PASSWORD, forwarded_for=B).status_code == 302


def test_behind_the_proxy_an_address_made_up_by_the_client_does_not_escape_the_lockout(
    client, user, settings
):
    settings.SECURE_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "verkeerd-wachtwoord", forwarded_for=A)
    # A header the client wrote itself ends up left of what the proxy appends: still A.
    assert login(client, PASSWORD, forwarded_for=f"{B}, {A}").status_code == 429


def test_without_the_proxy_setting_the_header_is_ignored(client, user, settings):
    settings.SECURE_PROXY = False
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "verkeerd-wachtwoord", forwarded_for=A)
    # Every request is from REMOTE_ADDR; a header naming another address changes nothing.
    assert login(client, PASSWORD, forwarded_for=B).status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["redacteurredacteur", "Redacteur-2026!", "redacteur.redacteur.12", "wouters-redacteur"],
)
def test_a_password_made_of_the_users_name_is_refused(password):
    user = get_user_model()(username="redacteur", first_name="Els", last_name="Wouters")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert "password_is_user_name" in [e.code for e in error.value.error_list]


@pytest.mark.django_db
def test_a_password_that_merely_contains_a_short_name_is_accepted():
    user = get_user_model()(username="jan", first_name="Jan")
    validate_password("januari-fietsen-in-de-regen", user)


@pytest.mark.django_db
def test_password_messages_are_dutch_in_the_dutch_interface():
    user = get_user_model()(username="redacteur")
    with translation.override("nl-be"), pytest.raises(ValidationError) as error:
        validate_password("redacteur", user)
    messages = error.value.messages
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens bevatten." in messages
    assert "Het wachtwoord bestaat uit uw naam." in " ".join(messages)
