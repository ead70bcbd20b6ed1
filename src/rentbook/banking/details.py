"""Bank details and Bacs text as Bacs accepts them: plain functions that return the cleaned
value or raise :class:`DetailError` naming what is wrong.

Sort codes and account numbers are checked for their form only (six and eight digits; a
seven- or six-digit account number is written with leading zeros, as banks advise). Modulus
checking (Vocalink's weight table, revised several times a year) is not done: no package on
the registries ships the table under a licence we can redistribute, so a wrong number is
caught by AUDDIS instead (its rejection codes 5 and B; docs/banking.md).
"""

from __future__ import annotations

import re

#: The characters Bacs allows in names and references (Standard 18's character set).
BACS_CHARS = re.compile(r"[A-Z0-9.&/\- ]*")
#: A service user's reference for a Direct Debit Instruction: 6 to 18 characters.
REFERENCE_MIN, REFERENCE_MAX = 6, 18
NAME_MAX = 18


class DetailError(ValueError):
    pass


def sort_code(text: str) -> str:
    """Six digits, from ``40-12-34``, ``40 12 34`` or ``401234``."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"\d{6}", digits):
        raise DetailError(f"'{text}' is not a sort code (six digits, such as 40-12-34)")
    return digits


def account_number(text: str) -> str:
    """Eight digits; six or seven are written with leading zeros."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"\d{6,8}", digits):
        raise DetailError(f"'{text}' is not an account number (six to eight digits)")
    return digits.zfill(8)


def bacs_text(text: str, limit: int = NAME_MAX) -> str:
    """Upper case, in Bacs's character set, cut to ``limit``: a payer's or account's name.
    Other characters become spaces, as Bacs's own software does."""
    cleaned = re.sub(r"[^A-Z0-9.&/\- ]", " ", (text or "").upper())
    return re.sub(r" {2,}", " ", cleaned).strip()[:limit]


def reference(text: str) -> str:
    """A Direct Debit reference: 6 to 18 characters of Bacs's set, beginning with a letter or
    digit, not all one character and not beginning DDIC (kept for indemnity claims)."""
    ref = (text or "").strip().upper()
    if not REFERENCE_MIN <= len(ref) <= REFERENCE_MAX:
        raise DetailError(f"'{text}' must be {REFERENCE_MIN} to {REFERENCE_MAX} characters")
    if not BACS_CHARS.fullmatch(ref):
        raise DetailError(f"'{text}' may hold only A-Z, 0-9, full stop, &, / and -")
    if not ref[0].isalnum():
        raise DetailError(f"'{text}' must begin with a letter or a digit")
    if len(set(ref.replace(" ", ""))) == 1:
        raise DetailError(f"'{text}' must not be one character repeated")
    if ref.startswith("DDIC"):
        raise DetailError(f"'{text}' must not begin DDIC")
    return ref
