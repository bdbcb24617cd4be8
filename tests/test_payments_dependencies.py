"""Payments shows on other apps' pages without them importing it. Dependencies point
one way: mandates imports neither pilots, trajectories nor payments; trajectories does not import
payments (the hooks of doorstroom.hooks carry what they show)."""

import ast
from pathlib import Path

from django.conf import settings

from doorstroom.hooks import MANDATE_PAGE_SECTIONS, PROVIDER_STATEMENT_PAID

ROOT = Path(settings.BASE_DIR)


def imported(app: str) -> set[str]:
    """Every top-level package an app's modules import, inside functions too."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
    return found


def test_dependencies_point_one_way():
    assert not imported("mandates") & {"pilots", "trajectories", "payments"}
    assert "payments" not in imported("trajectories")
    assert "payments" not in imported("doorstroom")


def test_payments_fills_the_hooks_other_apps_ask():
    from payments import hooks

    assert hooks.mandate_budget_section in MANDATE_PAGE_SECTIONS.providers
    assert hooks.provider_statement_paid in PROVIDER_STATEMENT_PAID.providers
