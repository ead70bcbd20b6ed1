"""Bacs processing days: Monday to Friday except the bank holidays of England and Wales
(from the ``holidays`` package, which carries them as data; no download at run time)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_processing_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def next_processing_day(d: date) -> date:
    """``d`` itself if Bacs works that day, else the next day it does."""
    while not is_processing_day(d):
        d += timedelta(days=1)
    return d


def add_processing_days(d: date, n: int) -> date:
    """The ``n``-th processing day after ``d`` (``n`` ≥ 0; 0 is ``d`` moved to one)."""
    d = next_processing_day(d)
    for _ in range(n):
        d = next_processing_day(d + timedelta(days=1))
    return d


def processing_day_before(d: date) -> date:
    """The last processing day strictly before ``d``."""
    d -= timedelta(days=1)
    while not is_processing_day(d):
        d -= timedelta(days=1)
    return d
