"""What the payments pages share: who may open them."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_role(allowed: Callable, user) -> None:
    if not allowed(user):
        raise PermissionDenied(_("Your role does not take this step of a claim."))


class RoleRequiredMixin:
    """A page for the roles of `allowed` (one of doorstroom.roles' may_* rules); others 403."""

    allowed: Callable

    def dispatch(self, request, *args, **kwargs):
        require_role(type(self).allowed, request.user)
        return super().dispatch(request, *args, **kwargs)
