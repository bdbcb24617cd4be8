"""Texts in the reader's language.

Two kinds of text are made in one place and read in another:

* a message made now and read later or elsewhere (an import's report, stored with its batch and
  read by any colleague; an export's error, raised inside the Dutch of an answer pack and shown
  to the user): it is made lazy (`lazy_format`, `lazy_join`) and put into a language only when
  it is shown, or stored in every language (`in_every_language`) and read in the reader's
  (`in_reader_language`);
* a file (an export) is written in one language, the one active when it was made:
  `doorstroom.exports.Export` notes it and its writers write in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy

T = TypeVar("T")

# `manage.py export --language`: the short names a person types, and the language each means.
COMMAND_LANGUAGES = {"nl": "nl-be", "en": "en"}


def _format(message: str | Promise, values: Mapping[str, Any]) -> str:
    return str(message) % values


def _join(items: Iterable[Any], separator: str) -> str:
    return separator.join(str(item) for item in items)


def _call(function: Callable[[], str]) -> str:
    return function()


# Made once: `lazy` builds a class each time it is called.
_lazy_format, _lazy_join, _lazy_call = lazy(_format, str), lazy(_join, str), lazy(_call, str)


def lazy_format(message: str | Promise, /, **values: Any) -> Promise:
    """`message % values`, put into the language active when it is shown. `message` is a
    `gettext_lazy` text; a value may be lazy too (a phase's label), it follows the message."""
    return _lazy_format(message, values)


def lazy_join(items: Iterable[Any], separator: str = ", ") -> Promise:
    """Lazy texts joined, in the language active when the whole is shown."""
    return _lazy_join(list(items), separator)


def lazy_call(function: Callable[[], str]) -> Promise:
    """The text `function()` returns, asked for each time it is shown (a message made by
    another module in the active language, such as a ValidationError's)."""
    return _lazy_call(function)


def in_every_language(texts: list[Any]) -> list[dict[str, str]]:
    """Each (lazy) text as {language code: text}, for every language of the application: one
    switch of language per language for the whole list, however long."""
    rendered: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = [str(text) for text in texts]
    return [{code: rendered[code][i] for code in rendered} for i in range(len(texts))]


def in_reader_language(stored: str | Mapping[str, str] | None) -> str:
    """A text stored by `in_every_language`, in the active language. A plain text (stored
    before the report kept its languages) is shown as it was stored."""
    if not isinstance(stored, Mapping):
        return stored or ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return stored.get(language) or stored.get(settings.LANGUAGE_CODE) or ""


def iterate_in(language: str, items: Iterable[T]) -> Iterator[T]:
    """`items` drawn in `language`: a file streamed after its view returned (or with another
    language active in between) is still written in the language it was asked in, and nothing
    else runs in that language between two items."""
    iterator = None
    while True:
        with translation.override(language):
            if iterator is None:
                iterator = iter(items)
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item
