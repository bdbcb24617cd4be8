"""Belgian number and amount formats for the interface (1.260,00), whatever the locale.

Exports keep raw numbers; only what a person reads on screen goes through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """1260 -> "1.260"; with decimals=2, Decimal("1260.5") -> "1.260,50"."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if decimals else f"{sign}{text}"


def format_amount(value: int | float | Decimal | None) -> str:
    """Decimal("1260") -> "EUR 1.260,00"; None -> "—"."""
    if value is None:
        return "—"
    return f"EUR {format_number(value, 2)}"
