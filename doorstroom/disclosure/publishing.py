"""Exports whose counts are protected, alone or together with the tables published beside them
(one dashboard view, one answer pack)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import cached_property
from typing import Any

from doorstroom.disclosure.model import NOTES, Protection, Table, marks_note
from doorstroom.disclosure.protection import protect


class ProtectedExport:
    """Mixin of an export whose counts go through `protect`: `disclosure_tables` are the tables
    that must be protected with it (those of its family, for its filters), and its rows show
    `self.protection`."""

    # Set by `publish_together`: the protection of every table published with this one, and
    # what their exports compute once for all of them (the counts of a family).
    protection_from: Protection | None = None
    shared: dict | None = None

    def disclosure_tables(self) -> list[Table]:
        raise NotImplementedError

    @cached_property
    def protection(self) -> Protection:
        if self.protection_from is not None:
            return self.protection_from
        return protect(self.disclosure_tables())

    def computed(self, name: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`, once for every export published together with this one."""
        if self.shared is None:
            self.shared = {}
        if name not in self.shared:
            self.shared[name] = compute()
        return self.shared[name]


def publish_together(exports: Iterable[Any]) -> Protection | None:
    """Protect the tables of `exports` together; each then shows the joint protection."""
    protected = [e for e in exports if isinstance(e, ProtectedExport)]
    if not protected:
        return None
    shared: dict = {}
    for export in protected:
        export.shared = shared
    joint = protect([table for export in protected for table in export.disclosure_tables()])
    for export in protected:
        export.protection_from = joint
        export.__dict__.pop("protection", None)
    return joint


def marks_in(rows: Iterable[Sequence[Any]]) -> list[str]:
    """The marks that appear in printed rows, in the order their notes are given."""
    used = {value for row in rows for value in row if isinstance(value, str) and value in NOTES}
    return [mark for mark in NOTES if mark in used]


def notes_for(rows: Iterable[Sequence[Any]]) -> list[str]:
    """The notes to print under a table with these rows."""
    return marks_note(marks_in(rows))
