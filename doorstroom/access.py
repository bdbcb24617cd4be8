"""Access to data about individual workers: who may, and a record of every time they did."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from doorstroom import roles
from doorstroom.models import PersonalDataAccess


def personal_data_access_log(*, user, action: str, subject: str) -> None:
    PersonalDataAccess.objects.create(user=user, action=action, subject=subject[:500])


def require_personal_data_access(user) -> None:
    if not roles.may_see_personal_data(user):
        raise PermissionDenied("Deze gegevens gaan over personen; uw rol ziet enkel aantallen.")


class PersonalDataMixin:
    """For pages listing or showing individual workers (even by pseudonymous reference):
    refused to roles that work with aggregates only, and every view is logged."""

    def dispatch(self, request, *args, **kwargs):
        require_personal_data_access(request.user)
        if request.method == "GET":
            personal_data_access_log(
                user=request.user,
                action=PersonalDataAccess.Action.VIEW,
                subject=request.get_full_path(),
            )
        return super().dispatch(request, *args, **kwargs)
