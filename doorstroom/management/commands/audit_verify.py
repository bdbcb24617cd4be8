"""Recompute the audit trail's hash chain and report every event or link that does not fit."""

from django.core.management.base import BaseCommand, CommandError

from doorstroom import auditdb


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain over every event table and pghistory_context: "
        "report each event changed, deleted or inserted outside the chain, and each link "
        "missing. Exits non-zero on any problem. Prints the last link's hash: noted elsewhere, "
        "it shows later that no one rewrote the chain from some point on."
    )

    def handle(self, *args, **options) -> None:
        result = auditdb.verify()
        for problem in result.problems:
            self.stdout.write(str(problem))
        self.stdout.write(f"{result.links} links, last {result.head or '-'}")
        if result.problems:
            raise CommandError(f"The audit trail does not hold: {len(result.problems)} problems.")
        self.stdout.write("The audit trail holds.")
