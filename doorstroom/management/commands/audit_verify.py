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

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="PLACE:HASH",
            help="A link's place and hash as printed by an earlier run: it must be unchanged.",
        )

    def handle(self, *args, **options) -> None:
        result = auditdb.verify()
        for problem in result.problems:
            self.stdout.write(str(problem))
        for expected in options["expect"]:
            place, _, noted = expected.partition(":")
            if not place.isdigit() or auditdb.link_hash(int(place)) != noted:
                result.problems.append(auditdb.Problem("link not as noted", "-", expected))
                self.stdout.write(f"link {place} is not {noted}")
        self.stdout.write(f"{result.links} links, last {result.links}:{result.head or '-'}")
        if result.problems:
            raise CommandError(f"The audit trail does not hold: {len(result.problems)} problems.")
        self.stdout.write("The audit trail holds.")
