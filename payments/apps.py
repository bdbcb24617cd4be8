from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")
    seeds = [("payments.seeding.payments_seed_load", "payments.json")]

    def ready(self) -> None:
        # What payments shows on other apps' pages (the mandate's budget, the paid column of
        # the provider statement), offered through doorstroom.hooks: they never import us.
        from payments import dashboard, hooks  # noqa: F401
