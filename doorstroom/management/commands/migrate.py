"""Django's migrate, run as the database's owner, then the audit trail's objects and privileges.

Overrides django.core's command (an app's command takes precedence), so `manage.py migrate`,
the test database's set-up and `make run` all migrate as the owner.
"""

from django.core.management.commands import migrate

from doorstroom import auditdb, dbroles


class Command(migrate.Command):
    help = (
        "Migrate as the owner role (DATABASE_OWNER_URL), then install the audit chain and grant "
        "the application role (DATABASE_URL) only INSERT and SELECT on the audit trail."
    )

    def handle(self, *args, **options) -> None:
        database = options["database"]
        with dbroles.as_owner(database):
            super().handle(*args, **options)
            if not options["plan"]:
                auditdb.install(using=database)
