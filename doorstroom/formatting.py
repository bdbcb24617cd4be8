"""Numbers and amounts as people read them, in the active language: 1.260,5 and € 1.260,00 in
Dutch, 1,260.5 and €1,260.00 in English. The one number formatter and the one money formatter
of the application: pages, tables, charts and answer packs all go through here.

Figures are rounded half up to the decimals shown, never truncated (Django's number_format
cuts 135.08 to "135,0"). Years, project and call numbers are not figures: they are shown as
they are, never grouped ("2018", not "2.018").

Exports keep raw numbers; only what a person reads goes through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext


def rounded(value: int | float | Decimal, decimals: int) -> Decimal:
    """Half up to `decimals` places: 135.08 -> 135.1, -3.255 -> -3.26."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """1260 -> "1.260"; with decimals=2, Decimal("1260.5") -> "1.260,50" (half up)."""
    return number_format(rounded(value, decimals), decimals, force_grouping=True)


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
