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

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext


def rounded(value: int | float | Decimal, decimals: int) -> Decimal:
    """Half up to `decimals` places: 135.08 -> 135.1, -3.255 -> -3.26."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


class NumberFormatter:
    """The active language's separators and money notation, looked up once for a whole table
    (a listing formats thousands of cells) instead of on every call."""

    def __init__(self):
        language = get_language()
        self.decimal = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        self.thousands = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
        # Translators: the place of the euro sign, "€ 1.260,00" in Dutch.
        self.money = gettext("€%(amount)s")

    def __call__(self, value, decimal_pos=None, force_grouping=False) -> str:
        if decimal_pos is not None:
            value = rounded(value, decimal_pos)
        return numberformat.format(
            value,
            self.decimal,
            decimal_pos,
            self.grouping,
            self.thousands,
            force_grouping=force_grouping,
            use_l10n=True,
        )

    def amount(self, value: int | float | Decimal | str | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):  # a disclosure mark ("x") passes through
            return value
        return self.money % {"amount": self(value, 2, force_grouping=True)}


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """1260 -> "1.260"; with decimals=2, Decimal("1260.5") -> "1.260,50" (half up)."""
    return NumberFormatter()(value, decimals, force_grouping=True)


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
    return NumberFormatter().amount(value)
