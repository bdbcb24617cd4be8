import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

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
