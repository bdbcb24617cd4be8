from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "doorstroom-demo"


class Command(BaseCommand):
    help = "Create the local demo account (only with DEBUG on) and print its login."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo account is only for local development (DEBUG=1).")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Demo"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: gebruiker '{DEMO_USERNAME}', wachtwoord '{DEMO_PASSWORD}' "
                f"(http://127.0.0.1:8000/)"
            )
        )
