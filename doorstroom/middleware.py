import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

SESSION_STARTED_KEY = "doorstroom_session_started"
SESSION_RENEWED_KEY = "doorstroom_session_renewed"


class SessionTimeoutMiddleware:
    """End a session after SESSION_COOKIE_AGE idle seconds, and a fixed time after login however
    active it has been (so a stolen or forgotten session cannot be kept alive forever).

    The idle time-out is renewed by a request at most once every SESSION_RENEW_SECONDS: renewing
    means writing the session, and a write on every request (SESSION_SAVE_EVERY_REQUEST) would
    cost each page an UPDATE and a commit. A session therefore ends between SESSION_COOKIE_AGE
    less SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED_KEY)
            if started is None:
                session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            # A changed session is saved with a new expiry, in the database and the cookie.
            if now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose body announces more than any form here takes (REQUEST_MAX_BYTES:
    the import's file limit and room for its form), before a byte of it is read.

    Django reads an upload in full (into memory, then a temporary file) before a view can look
    at its size: a 200 MB body was read to the end before the import refused it at 5 MB. A body
    without Content-Length is read as empty by Django, so the announced size is the one to
    check. Runs before CsrfViewMiddleware, which reads the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        file_limit, body_limit = settings.IMPORT_MAX_BYTES, settings.REQUEST_MAX_BYTES
        for prefix, limits in settings.REQUEST_MAX_BYTES_BY_PATH.items():
            if request.path.startswith(prefix):
                file_limit, body_limit = limits
        if announced > body_limit:
            return render(request, "413.html", {"limit_mb": file_limit // 1024 // 1024}, status=413)
        return self.get_response(request)
