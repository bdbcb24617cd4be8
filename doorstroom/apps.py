from django.apps import AppConfig, apps
from django.utils.module_loading import autodiscover_modules


class DoorstroomConfig(AppConfig):
    name = "doorstroom"
    verbose_name = "Doorstroom"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from doorstroom import checks  # noqa: F401 (registers the system checks)
        from doorstroom.roles import roles_sync

        # Each app declares its exports in its own exports.py; importing them registers them.
        autodiscover_modules("exports")
        # After the last app's post_migrate, when every app's permissions exist.
        last_app = list(apps.get_app_configs())[-1]
        post_migrate.connect(roles_sync, sender=last_app, dispatch_uid="doorstroom_roles_sync")
