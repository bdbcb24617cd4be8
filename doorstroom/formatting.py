"""Belgian number and amount formats for the interface (1.260,00), whatever the locale.

Exports keep raw numbers; only what a person reads on screen goes through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """1260 -> "1.260"; with decimals=2, Decimal("1260.5") -> "1.260,50" (half up)."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return numberformat.format(
        number, ",", decimal_pos=decimals, grouping=3, thousand_sep=".", force_grouping=True
    )


def format_count(value: int | float | Decimal | str | None, decimals: int = 0) -> str:
    """A count as read on screen: None is "onbekend", text such as "<5" passes through."""
    if value is None:
        return "onbekend"
    if isinstance(value, str):
        return value
    return format_number(value, decimals)


def format_amount(value: int | float | Decimal | str | None) -> str:
    """Decimal("1260") -> "EUR 1.260,00"; None -> "—"; a disclosure mark ("x") passes through."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"EUR {format_number(value, 2)}"
