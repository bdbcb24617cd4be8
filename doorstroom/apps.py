from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DoorstroomConfig(AppConfig):
    name = "doorstroom"
    verbose_name = "Doorstroom"

    def ready(self) -> None:
        # Each app declares its exports in its own exports.py; importing them registers them.
        autodiscover_modules("exports")
