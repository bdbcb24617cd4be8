"""Django's flush, run as the owner: only the owner may empty the audit trail's tables.

The test suite's transactional tests end with a flush of the application's connection.
"""

from django.core.management.commands import flush

from doorstroom import dbroles


class Command(flush.Command):
    def handle(self, **options) -> None:
        with dbroles.as_owner(options["database"]):
            super().handle(**options)
