"""The seed data every installation starts with.

An app declares its seeds on its AppConfig as `seeds = [(service path, fixture file), ...]`;
each service loads one file from fixtures/ and creates only what is missing, so
`manage.py load_seed` can run on every start without duplicating or overwriting anything.
Apps are loaded in INSTALLED_APPS order, so mandates come before what refers to them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def load_all(*, fixtures_dir: Path = FIXTURES_DIR) -> list[tuple[str, Counter]]:
    results = []
    for app_config in apps.get_app_configs():
        for service_path, filename in getattr(app_config, "seeds", []):
            service = import_string(service_path)
            results.append((filename, service(path=fixtures_dir / filename)))
    return results
