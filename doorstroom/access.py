"""Access to data about individual workers: who may, and a record of every time they did."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from doorstroom import roles, sql
from doorstroom.models import PersonalDataAccess


def personal_data_access_log(*, user, action: str, subject: str) -> None:
    """One row per view or export. Outside a transaction (a page) it is written by one
    statement that does not wait for its commit to reach the disk (synchronous_commit off for
    that statement's transaction only): a page of personal data paid for a WAL flush of its
    own, and under load its worker waited for it. PostgreSQL writes the row within a fraction
    of a second (at most three times wal_writer_delay); only a crash of the database server in
    that moment loses it. Inside a transaction the row commits with the rest of it, as usual."""
    if connection.in_atomic_block:
        PersonalDataAccess.objects.create(user=user, action=action, subject=subject[:500])
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.ACCESS_LOG_INSERT, [user.pk, timezone.now(), action, subject[:500]])


def require_personal_data_access(user) -> None:
    if not roles.may_see_personal_data(user):
        raise PermissionDenied("Deze gegevens gaan over personen; uw rol ziet enkel aantallen.")


class PersonalDataMixin:
    """For pages listing or showing individual workers (even by pseudonymous reference):
    refused to roles that work with aggregates only, every view is logged, and the browser
    keeps no copy (a shared computer's cache would show them to the next user)."""

    def dispatch(self, request, *args, **kwargs):
        require_personal_data_access(request.user)
        if request.method == "GET":
            personal_data_access_log(
                user=request.user,
                action=PersonalDataAccess.Action.VIEW,
                subject=request.get_full_path(),
            )
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)  # Cache-Control: ... no-store ...
        return response


INTERNAL_FIGURES_MESSAGE = (
    "Dit is een intern document met exacte cijfers; uw rol ziet enkel cijfers die "
    "gepubliceerd mogen worden."
)


def require_export_access(user, export_class) -> None:
    """An export's download, by the rule of `Export.may_be_downloaded_by`, with the reason."""
    if export_class.may_be_downloaded_by(user):
        return
    if export_class.contains_personal_data:
        require_personal_data_access(user)
    raise PermissionDenied(INTERNAL_FIGURES_MESSAGE)


def require_internal_figures(user) -> None:
    """Pages of internal documents with exact figures (claims, payments, the ledger): not for
    a role that sees only what may be published (the analyst)."""
    if not roles.may_see_internal_figures(user):
        raise PermissionDenied(INTERNAL_FIGURES_MESSAGE)


class InternalFiguresRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        require_internal_figures(request.user)
        return super().dispatch(request, *args, **kwargs)


def require_wide_role(user) -> None:
    """Pages about the whole of the data (parliamentary questions): not for provincial staff or
    provider users, whose work is limited to their own part."""
    if not roles.sees_everything(user):
        raise PermissionDenied("Deze pagina's zijn er voor VDAB, het departement en analisten.")


class WideRoleRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        require_wide_role(request.user)
        return super().dispatch(request, *args, **kwargs)


def require_edit_role(user) -> None:
    """Recording progress and importing files: roles that may edit (doorstroom.roles)."""
    if not roles.may_edit(user):
        raise PermissionDenied


class EditRoleRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        require_edit_role(request.user)
        return super().dispatch(request, *args, **kwargs)


class RoleRequiredMiddleware:
    """A logged-in account without a role sees no data at all (403), until an administrator
    gives it one. Login, logout, the language switch and the admin (own checks) are exempt."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or roles.role_of(request.user) is not None:
            return None
        if not getattr(view_func, "login_required", True):
            return None  # login_not_required views: login page, language switch
        match = request.resolver_match
        if match and (match.namespace == "admin" or match.url_name == "logout"):
            return None
        raise PermissionDenied("Uw account heeft nog geen rol; vraag er een aan de beheerder.")
