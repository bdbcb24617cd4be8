"""The seed data every installation starts with, in the order it must be loaded.

Each entry names a service that loads one file from fixtures/ and creates only what is missing,
so `manage.py load_seed` can run on every start without duplicating or overwriting anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# (service path, fixture file): apps add their own seed here, after what they depend on.
SEEDS: list[tuple[str, str]] = [
    ("mandates.services.mandates_seed_load", "mandates.json"),
]


def load_all(*, fixtures_dir: Path = FIXTURES_DIR) -> list[tuple[str, Counter]]:
    results = []
    for service_path, filename in SEEDS:
        service: Callable[..., Counter] = import_string(service_path)
        results.append((filename, service(path=fixtures_dir / filename)))
    return results
