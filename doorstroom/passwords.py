"""Password rules beyond Django's own validators (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

NOT_LETTERS = re.compile(r"[\W\d_]+")

# Django 5.2 changed this message of its MinimumLengthValidator and its Dutch catalog has only
# the old one: the Dutch interface showed it in English. Named here so that `make messages`
# keeps its translation in doorstroom's catalog.
TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class UserNameValidator:
    """Refuse a password that is the user's name (user name, first or last name, e-mail address
    or its part before the @) repeated, combined or with only digits and punctuation added:
    "redacteurredacteur" and "Redacteur-2026!" are the first guesses of anyone who knows it.

    Django's UserAttributeSimilarityValidator compares the whole password with each attribute:
    a name written twice is only two thirds alike and passes its 0.7. Here every occurrence of
    a name is taken out, and what is left must hold some letters of its own.
    """

    attributes = ("username", "first_name", "last_name", "email")

    def __init__(self, min_own_letters: int = 4):
        self.min_own_letters = min_own_letters

    def names(self, user) -> set[str]:
        names = set()
        for attribute in self.attributes:
            value = str(getattr(user, attribute, "") or "").casefold()
            names |= {value, value.partition("@")[0]}
        return {name for name in names if len(name) >= 3}

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        rest = password.casefold()
        # Longest first, so a name within another is not taken out of it first.
        for name in sorted(self.names(user), key=len, reverse=True):
            rest = rest.replace(name, "")
        if len(NOT_LETTERS.sub("", rest)) < self.min_own_letters:
            raise ValidationError(
                _("The password is made of your name. Choose one that has nothing to do with it."),
                code="password_is_user_name",
            )

    def get_help_text(self) -> str:
        return _("Your password may not be made of your user name or your name.")
