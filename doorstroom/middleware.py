import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SESSION_STARTED_KEY = "doorstroom_session_started"


class AbsoluteSessionTimeoutMiddleware:
    """End a session a fixed time after login, however active it has been.

    The idle time-out is Django's own (SESSION_COOKIE_AGE renewed on every request); this adds
    the absolute limit, so a stolen or forgotten session cannot be kept alive forever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
