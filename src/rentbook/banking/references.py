"""Payment references: the account reference with one check character, printed on payment
cards, letters and statements, so that a mistyped reference is caught rather than credited to
someone else.

The check character is Luhn mod N over the characters 0-9 and A-Z (N = 36): it catches every
single mistyped character and every swap of two neighbouring characters but one, 0 and Z
(as Luhn over digits misses 09 and 90). Plain functions over plain text; see docs/banking.md.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
N = len(ALPHABET)
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def normalise(text: str) -> str:
    """Upper case, spaces, dashes, slashes and dots taken out: how people write a reference."""
    return re.sub(r"[\s\-/.]", "", (text or "").upper())


def check_character(reference: str) -> str:
    """The Luhn mod 36 check character of ``reference`` (0-9 and A-Z only)."""
    ref = normalise(reference)
    if not ref or any(c not in _INDEX for c in ref):
        raise ValueError(f"{reference!r} must be letters and digits")
    total, factor = 0, 2
    for c in reversed(ref):
        addend = factor * _INDEX[c]
        factor = 1 if factor == 2 else 2
        total += addend // N + addend % N
    return ALPHABET[(N - total % N) % N]


def payment_reference(reference: str) -> str:
    """What the tenant quotes when paying: the account reference and its check character."""
    return normalise(reference) + check_character(reference)


def is_valid(text: str) -> bool:
    """Whether ``text`` ends in the right check character for the rest of it."""
    ref = normalise(text)
    if len(ref) < 2 or any(c not in _INDEX for c in ref):
        return False
    return check_character(ref[:-1]) == ref[-1]
