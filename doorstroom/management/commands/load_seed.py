from django.core.management.base import BaseCommand

from doorstroom.seeds import load_all


class Command(BaseCommand):
    help = "Load the seed data from fixtures/ (creates only what is missing; safe to repeat)."

    def handle(self, *args, **options) -> None:
        for filename, created in load_all():
            summary = ", ".join(f"{n} {what}" for what, n in sorted(created.items()) if n)
            self.stdout.write(f"{filename}: {summary or 'niets nieuw (al geladen)'}")
