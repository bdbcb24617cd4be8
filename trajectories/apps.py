from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoriesConfig(AppConfig):
    name = "trajectories"
    verbose_name = _("Trajectories")
    # The index first: a fee schedule's base month refers to it.
    seeds = [
        ("trajectories.seeding.health_index_seed_load", "gezondheidsindex.csv"),
        ("trajectories.seeding.trajectories_seed_load", "trajectories.json"),
    ]
