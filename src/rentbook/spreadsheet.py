"""Cells written to CSV or Excel that a spreadsheet will not run as a formula.

A cell beginning ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (OWASP: CSV injection); a leading apostrophe makes it text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that could be read as a formula, prefixed with ``'``; anything else as it is
    (numbers stay numbers, so a negative amount is not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
