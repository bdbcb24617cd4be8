"""System checks of the deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register

from doorstroom import dbroles

ONE_DATABASE_ROLE = "doorstroom.W001"


@register(Tags.security, deploy=True)
def check_database_roles(app_configs, **kwargs) -> list[Warning]:
    """DATABASE_URL without a DATABASE_OWNER_URL of another role: the application owns the
    tables, so it could alter or drop the audit trail's tables and triggers and rewrite its
    events. (The embedded server, without DATABASE_URL, always has two roles.)"""
    if dbroles.is_separate():
        return []
    return [
        Warning(
            "The application connects as the role that owns the database "
            f"({dbroles.application_role()!r}): it could rewrite the audit trail.",
            hint=(
                "Give the application a role of its own in DATABASE_URL and set "
                "DATABASE_OWNER_URL to the owner's, for migrate (README, 'Database roles')."
            ),
            id=ONE_DATABASE_ROLE,
        )
    ]
