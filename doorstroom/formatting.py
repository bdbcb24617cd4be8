"""Numbers and amounts as people read them, in the active language: 1.260,5 and € 1.260,00 in
Dutch, 1,260.5 and €1,260.00 in English. The one number formatter and the one money formatter
of the application: pages, tables, charts and answer packs all go through here.

Figures are rounded half up to the decimals shown, never truncated (Django's number_format
cuts 135.08 to "135,0"). Years, project and call numbers are not figures: they are shown as
they are, never grouped ("2018", not "2.018").

Exports keep raw numbers; only what a person reads goes through here.

The digits are Python's own grouping of the rounded Decimal, its separators replaced by those of
the language's format (Django's DECIMAL_SEPARATOR, THOUSAND_SEPARATOR): the same text as Django's
number_format with force_grouping, at a fifth of its cost (a listing page formats 50 figures).
Dates as people read them (SHORT_DATE_FORMAT) are kept per language and day.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.formats import date_format, get_format
from django.utils.translation import get_language, gettext


def rounded(value: int | float | Decimal, decimals: int) -> Decimal:
    """Half up to `decimals` places: 135.08 -> 135.1, -3.255 -> -3.26."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=8)
def _separators(language: str | None) -> dict[int, str]:
    """Python's "," and "." as the language writes them (str.translate swaps both at once)."""
    return {
        ord(","): get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        ord("."): get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
    }


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """1260 -> "1.260"; with decimals=2, Decimal("1260.5") -> "1.260,50" (half up)."""
    number = rounded(value, decimals)
    # A figure rounded to zero is "0", never "-0" (as number_format writes it).
    number = number if number else number.copy_abs()
    return f"{number:,.{decimals}f}".translate(_separators(get_language()))


@lru_cache(maxsize=4096)
def _short_date(language: str | None, value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def format_short_date(value: dt.date) -> str:
    """The date as SHORT_DATE_FORMAT writes it in the active language: 05/03/2024."""
    return _short_date(get_language(), value)


def format_count(value: int | float | Decimal | str | None, decimals: int = 0) -> str:
    """A count as read on screen: None is "unknown", text such as "<5" passes through."""
    if value is None:
        return gettext("unknown")
    if isinstance(value, str):
        return value
    return format_number(value, decimals)


def format_amount(value: int | float | Decimal | str | None) -> str:
    """Decimal("1260") -> "€ 1.260,00" in Dutch, "€1,260.00" in English; None -> "—"; a
    disclosure mark ("x") passes through."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    # Translators: the place of the euro sign, "€ 1.260,00" in Dutch.
    return gettext("€%(amount)s") % {"amount": format_number(value, 2)}
