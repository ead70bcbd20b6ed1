"""Cells written to CSV or Excel that a spreadsheet will not run as a formula.

A cell beginning ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (OWASP: CSV injection); a leading apostrophe makes it text. Every
export rentbook offers writes through :func:`csv_writer` or :func:`workbook`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# "-12.50" or "+3" is a number, not a formula: money written as text stays readable
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: Any) -> Any:
    """Text that could be read as a formula, prefixed with ``'``; anything else as it is
    (numbers stay numbers, so a negative amount is not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


class SafeWriter:
    """A ``csv.writer`` whose every cell is made safe."""

    def __init__(self, out: IO[str] | Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str] | Any, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def workbook(out: Any) -> Any:
    """An in-memory xlsxwriter workbook that writes every string as text: never a formula,
    never a number it happens to look like."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
