import contextlib
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from doorstroom import dbroles
from trajectories.demo import DEMO_AS_OF, demo_count, demo_delete, demo_generate


class Command(BaseCommand):
    help = (
        "Generate synthetic demo trajectories (marked as demo) for the seed mandates; the same "
        "--seed gives the same data. Does nothing when demo data exists, unless --replace."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=300, help="Number of trajectories.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier demo data first."
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DEMO_AS_OF,
            help=f"The day the demo data is 'generated' on (default {DEMO_AS_OF}).",
        )

    def handle(self, *args, **options) -> None:
        # As the owner, who alone may skip the audit triggers for synthetic rows (twice as fast
        # for a million); inside a caller's transaction (a test) as the application, audited.
        owner = contextlib.nullcontext() if connection.in_atomic_block else dbroles.as_owner()
        with owner:
            self.generate(**options)

    def generate(self, **options) -> None:
        count = options["count"]
        if count < 0:
            raise CommandError("--count kan niet negatief zijn.")
        existing = demo_count()
        if existing and not options["replace"]:
            self.stdout.write(
                f"Er zijn al {existing} demotrajecten; niets toegevoegd "
                "(gebruik --replace om ze te vervangen)."
            )
            return
        if existing:
            demo_delete()
            self.stdout.write(f"{existing} demotrajecten verwijderd.")
        started = time.monotonic()
        show_bar = options["verbosity"] > 0
        with tqdm(total=count, unit=" trajecten", disable=not show_bar) as bar:
            try:
                phases = demo_generate(
                    count=count, seed=options["seed"], as_of=options["as_of"], progress=bar.update
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{count} demotrajecten met {phases} fasen aangemaakt in {seconds:.1f} s "
            f"(seed {options['seed']})."
        )
