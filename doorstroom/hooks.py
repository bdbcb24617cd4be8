"""Places where one app shows what another knows, without importing it.

`mandates` imports neither `trajectories` nor `payments`, and `trajectories` does not import
`payments`; yet a mandate's page shows its budget and the provider statement what was paid.
Each such place is a `Hook` named here: the app that shows it asks the hook, the app that knows
fills it in its AppConfig.ready. Both name the same object, so a renamed or removed hook breaks
an import or a test, not silently a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """One named place; `provide` fills it (once per provider), `ask` calls every provider."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self.providers: list[Callable[..., Any]] = []

    def provide(self, function: Callable[..., Any]) -> Callable[..., Any]:
        if function not in self.providers:
            self.providers.append(function)
        return function

    def ask(self, **kwargs) -> list[Any]:
        """Every provider's answer, in the order the apps are installed."""
        return [provider(**kwargs) for provider in self.providers]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self.providers)} provider(s)>"


MANDATE_PAGE_SECTIONS = Hook(
    "mandate-page-sections",
    "Sections of a mandate's page: provider(request=, mandate=) -> HTML (or '' for nothing).",
)

PROVIDER_STATEMENT_PAID = Hook(
    "provider-statement-paid",
    "What was paid per line of the provider statement: provider(filters=, user=) -> a values "
    "QuerySet with project_number, phase, month, index, base and paid.",
)

DASHBOARD_OWED = Hook(
    "dashboard-owed",
    "What the ledger says is owed for the phases completed in a period, for the dashboard's "
    "tile: provider(user=, listing=) -> (amount, URL of the ledger showing it).",
)

DASHBOARD_TODO = Hook(
    "dashboard-todo",
    "Groups of the dashboard's to-do that another app knows: provider(user=) -> a list of "
    "doorstroom.dashboard.todo.TodoGroup.",
)
