"""The value types of the policy language, and durations (the one type that is never a fact)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum


class Type(Enum):
    MONEY = "money"
    NUMBER = "number"
    BOOL = "yes/no"
    INSTANT = "date"
    TEXT = "text"
    DURATION = "duration"
    FLAGS = "flags"
    ACTIONS = "action history"

    def __str__(self) -> str:
        return self.value


#: Types a value can be compared with ``<``, ``>`` and friends.
ORDERED = {Type.MONEY, Type.NUMBER, Type.INSTANT}

_UNITS = {"day": "d", "week": "w", "month": "mo", "year": "y"}
UNIT_WORDS = {**_UNITS, **{f"{k}s": v for k, v in _UNITS.items()}}
_NAMES = {v: k for k, v in _UNITS.items()}
_DURATION = re.compile(r"^\s*(\d+)\s+([a-z]+)\s*$")


@dataclass(frozen=True)
class Duration:
    """A span counted in days, weeks, calendar months or calendar years."""

    amount: int
    unit: str  # "d", "w", "mo" or "y"

    @classmethod
    def parse(cls, text: str) -> Duration:
        m = _DURATION.match(text)
        if not m or m[2] not in UNIT_WORDS:
            raise ValueError(f"{text!r} is not a duration such as '14 days' or '3 months'")
        return cls(int(m[1]), UNIT_WORDS[m[2]])

    def __str__(self) -> str:
        word = _NAMES[self.unit]
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"

    def polars(self, sign: int) -> str:
        """The duration as a Polars offset string, e.g. ``-3mo``."""
        return f"{'-' if sign < 0 else ''}{self.amount}{self.unit}"

    def shift(self, t: datetime, sign: int) -> datetime:
        """``t`` moved by this duration; months and years clamp to the month's end."""
        if self.unit == "d":
            return t + sign * timedelta(days=self.amount)
        if self.unit == "w":
            return t + sign * timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1) * sign
        index = t.year * 12 + (t.month - 1) + months
        year, month = divmod(index, 12)
        month += 1
        day = min(t.day, calendar.monthrange(year, month)[1])
        return t.replace(year=year, month=month, day=day)


def day_start(t: datetime) -> datetime:
    """Midnight starting the day of ``t``."""
    return datetime.combine(t.date(), time())


def as_instant(value: date | datetime | None) -> datetime | None:
    """A bare date is the midnight that starts it."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time())
