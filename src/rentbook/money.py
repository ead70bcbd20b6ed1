"""Money is integer pence. Parse at the edges, format at the edges, never a float near money."""

from __future__ import annotations

import re
from collections.abc import Sequence

_MONEY = re.compile(
    r"^(?P<sign>[-+])?£?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$"
)


class MoneyError(ValueError):
    """A value that is not an amount of money in pounds and pence."""


def parse_pounds(text: str) -> int:
    """Parse "1,234.56", "£12", "-3.5" or "(3.50)" into pence.

    Refuses more than two decimal places rather than rounding: an import that silently
    rounds is an import whose totals cannot be reconciled.
    """
    s = text.strip().replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-£") or s.startswith("£-"):
        negative, s = not negative, s[2:]
    m = _MONEY.match(s)
    if not m:
        raise MoneyError(f"{text!r} is not an amount in pounds and pence")
    pence = int(m["pounds"].replace(",", "")) * 100 + int((m["pence"] or "0").ljust(2, "0"))
    if m["sign"] == "-":
        negative = not negative
    return -pence if negative else pence


def format_pounds(pence: int, *, sign: bool = True) -> str:
    """Format pence as "£1,234.56"; negative amounts as "-£1,234.56"."""
    negative = pence < 0
    pounds, p = divmod(abs(pence), 100)
    text = f"£{pounds:,}.{p:02d}"
    return f"-{text}" if negative and sign else text


def format_plain(pence: int) -> str:
    """Format pence as "1234.56" for files (CSV), with no symbol or separators."""
    negative = pence < 0
    pounds, p = divmod(abs(pence), 100)
    return f"{'-' if negative else ''}{pounds}.{p:02d}"


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` pence in proportion to ``weights`` so the parts add up to the total.

    Largest remainder method: each part is floored, then the pence left over go to the
    parts with the largest remainders (earlier parts win ties), so the result is stable.
    """
    if not weights:
        raise ValueError("apportion needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    wsum = sum(weights)
    if wsum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total < 0 else 1
    whole = abs(total)
    parts = [whole * w // wsum for w in weights]
    remainders = [whole * w % wsum for w in weights]
    left = whole - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]


def weeks_of_charge(balance: int, weekly_charge: int) -> float | None:
    """Arrears expressed in weeks of the current weekly charge (display only, never stored)."""
    if weekly_charge <= 0:
        return None
    return round(balance / weekly_charge, 1)
