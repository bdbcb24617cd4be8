"""Every text marked for translation has its entry in a catalog: a string marked in the code
but never extracted (`make messages` forgotten) is shown in English on a Dutch page, and the
catalogs' own guard (tests/test_translations.py) cannot see an entry that is not there.

The marked strings are read from the source as `makemessages` reads them: the literal first
argument of gettext and its kin in Python (plural forms: both), `{% translate "..." %}` in the
templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.conf import settings

from tests.test_code_layout import APPS

ROOT = Path(settings.BASE_DIR)
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:trans|translate)\s+(["'])(.+?)\1(?:\s+[^%]*)?%}""")


def marked_in_python(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        count = 1 if name in SINGULAR else 2 if name in PLURAL else 0
        for argument in node.args[:count]:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    return found


def marked() -> dict[str, set[str]]:
    """msgid -> the files that mark it."""
    where: dict[str, set[str]] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if "migrations" in path.parts or "locale" in path.parts:
                continue
            if path.suffix == ".py":
                texts = marked_in_python(path)
            elif path.suffix in (".html", ".txt"):
                texts = {m.group(2) for m in TEMPLATE_TAG.finditer(path.read_text())}
            else:
                continue
            for text in texts:
                where.setdefault(text, set()).add(str(path.relative_to(ROOT)))
    return where


def test_every_marked_text_has_a_catalog_entry():
    known = set()
    for catalog in ROOT.glob("*/locale/nl/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(catalog)):
            known |= {entry.msgid, entry.msgid_plural}
    missing = {text: sorted(files) for text, files in marked().items() if text not in known}
    assert missing == {}, "run `make messages` and translate what it adds"


def test_the_reading_finds_what_makemessages_finds():
    """The reader itself: a text of each kind that the code is known to mark."""
    texts = marked()
    assert "Login attempts" in texts  # gettext_lazy as _, doorstroom/third_party.py
    assert "Model name" in texts  # gettext_noop
    assert any(path.endswith(".html") for files in texts.values() for path in files)
