"""Hardening: login throttling, password rules, session limits, security headers, error pages."""

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstroom.middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY


def login(client, password):
    return client.post(reverse("login"), {"username": "redacteur", "password": password})


def test_login_is_throttled_after_repeated_failures(client, user):
    for _ in range(4):
        response = login(client, "verkeerd-wachtwoord")
        assert response.status_code == 200  # the form again, with its error
    assert login(client, "verkeerd-wachtwoord").status_code == 429  # the fifth failure locks
    response = login(client, "een-lang-wachtwoord-2026")
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert client.get(reverse("mandates:list")).status_code == 302  # still not logged in


def test_a_successful_login_resets_the_failure_count(client, user):
    for _ in range(4):
        login(client, "verkeerd-wachtwoord")
    assert login(client, "een-lang-wachtwoord-2026").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["kort-2026", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted():
    validate_password("bergop-fietsen-in-de-regen-42")


def test_session_ends_after_the_absolute_limit_however_active(logged_in_client, settings):
    assert logged_in_client.get(reverse("mandates:list")).status_code == 200
    session = logged_in_client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = logged_in_client.get(reverse("mandates:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert logged_in_client.get(reverse("mandates:list")).status_code == 302


def session_expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_idle_time_out_is_renewed_at_most_once_a_minute(logged_in_client, settings):
    url = reverse("mandates:list")
    response = logged_in_client.get(url)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 30 * 60
    renewed = session_expiry(logged_in_client)

    # Within the minute a request neither writes the session nor sends a new cookie.
    with CaptureQueriesContext(connection) as captured:
        response = logged_in_client.get(url)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [q for q in captured if q["sql"].startswith("UPDATE") and "session" in q["sql"]]
    assert session_expiry(logged_in_client) == renewed

    # A minute on, the next request renews the idle time-out in the database and the cookie.
    session = logged_in_client.session
    session[SESSION_RENEWED_KEY] -= settings.SESSION_RENEW_SECONDS
    session.save()
    before = session_expiry(logged_in_client)
    response = logged_in_client.get(url)
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 30 * 60
    assert session_expiry(logged_in_client) > before


def test_an_idle_session_ends(logged_in_client, settings):
    url = reverse("mandates:list")
    assert logged_in_client.get(url).status_code == 200
    Session.objects.filter(session_key=logged_in_client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = logged_in_client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_security_headers_and_csp_without_eval(logged_in_client):
    response = logged_in_client.get(reverse("mandates:list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_not_found_page_is_friendly(logged_in_client):
    response = logged_in_client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_server_error_shows_no_stack_trace(settings, user):
    settings.ROOT_URLCONF = "tests.urls_errors"
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "secret internal detail" not in body and "Traceback" not in body
