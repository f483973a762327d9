"""French rendering of figures: numbers, masses with a readable unit, lists (dates: `periods.format_date_fr`)."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _


def format_number(value: int | float | Decimal, max_decimals: int = 2) -> str:
    """`1234.50` → `1 234,5`: French separators, at most `max_decimals`, no trailing zeros."""
    quantum = Decimal(1).scaleb(-max_decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    exponent = rounded.as_tuple().exponent  # an int for a finite number
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_mass(grams: int | float | Decimal) -> str:
    """A mass in the unit that reads best: `548 g`, `2,15 kg`, `35 kg`, `1,2 t`."""
    grams = Decimal(str(grams))
    if grams >= 1_000_000:
        return f"{format_number(grams / 1_000_000)}\u00a0t"
    if grams >= 1000:
        return f"{format_number(grams / 1000)}\u00a0kg"
    return f"{format_number(grams, max_decimals=1)}\u00a0g"


def format_money(euros: int | float | Decimal) -> str:
    """An amount in euros as communiqués print it: `24,1 M€` from a million on (one decimal), else `850 000 €`."""
    euros = Decimal(str(euros))
    if abs(euros) >= 1_000_000:
        return f"{format_number(euros / 1_000_000, max_decimals=1)}\u00a0M€"
    return f"{format_number(euros, max_decimals=0)}\u00a0€"


def join_words(items: Sequence[str]) -> str:
    """`a`, `a et b`, `a, b et c`."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("{head} and {last}").format(head=", ".join(items[:-1]), last=items[-1])


def elide_de(noun: str) -> str:
    """French partitive `de` before a noun, elided before a vowel or mute h: `d'héroïne`, `de crack`."""
    first = noun[:1].lower()
    if first in "aâàeéèêiîoôuûyh":
        return f"d’{noun}"
    return f"de {noun}"
