"""The address a request came from, for django-axes' lockout per user name and address.

Behind the proxy every request comes from the proxy (127.0.0.1), so axes counted every failure
of a user name against one address and five wrong passwords from anywhere locked that user out
for everyone. The proxy appends the address it received the request from to X-Forwarded-For;
whatever is to the left of it was sent by the client and can be anything, so only the right-most
address counts, and only when SECURE_PROXY says there is a proxy (without one the header is the
client's own word).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    if settings.SECURE_PROXY:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rpartition(",")[2].strip()
        try:
            return str(ipaddress.ip_address(appended))
        except ValueError:
            pass  # no header (a request that did not pass the proxy): its own address
    return request.META.get("REMOTE_ADDR")
