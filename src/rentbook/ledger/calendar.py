"""The rent calendar: rent weeks, rent years and rent-free weeks.

A rent week starts on Monday. A rent year starts on the first Monday of April and runs to
the day before the next one, so it has 52 weeks, or 53 in some years. Landlords collect rent
in 48, 50 or 52 of those weeks; the others are rent-free (often two at Christmas and two at
the end of March). Which weeks are free is the landlord's choice, so it is data
(:class:`RentFreeRule`), parsed from the ``RENTBOOK_RENT_FREE_WEEKS`` setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

WEEK = timedelta(days=7)


def week_start(d: date) -> date:
    """The Monday that starts the rent week holding ``d``."""
    return d - timedelta(days=d.weekday())


def rent_year_start(year: int) -> date:
    """The first Monday of April of ``year``: the day rent year ``year`` begins."""
    first = date(year, 4, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def rent_year_of(d: date) -> int:
    """The rent year (named by the calendar year it starts in) that holds ``d``."""
    return d.year if d >= rent_year_start(d.year) else d.year - 1


@dataclass(frozen=True)
class RentFreeRule:
    """Which weeks of each rent year are rent-free.

    ``christmas``: how many weeks are free starting with the week that holds 25 December.
    ``year_end``: how many weeks at the end of the rent year are free.
    ``extra_in_53_week_years``: in a 53-week year, one more week (the last) is free, so
    tenants pay for the same number of weeks every year.
    """

    christmas: int = 0
    year_end: int = 0
    extra_in_53_week_years: bool = False

    @classmethod
    def parse(cls, text: str) -> RentFreeRule:
        """Parse "christmas=2,year-end=2,53rd-week=free"; an empty string means none free."""
        values: dict[str, object] = {}
        for raw in filter(None, (p.strip() for p in text.split(","))):
            m = re.fullmatch(r"(christmas|year-end)=(\d)|53rd-week=(free|charged)", raw)
            if not m:
                raise ValueError(
                    f"rent-free weeks: {raw!r} is not christmas=N, year-end=N or 53rd-week=free"
                )
            if m[1] == "christmas":
                values["christmas"] = int(m[2])
            elif m[1] == "year-end":
                values["year_end"] = int(m[2])
            else:
                values["extra_in_53_week_years"] = m[3] == "free"
        return cls(**values)  # type: ignore[arg-type]

    def __str__(self) -> str:
        text = f"christmas={self.christmas},year-end={self.year_end}"
        return text + (",53rd-week=free" if self.extra_in_53_week_years else "")


@dataclass(frozen=True)
class RentYear:
    year: int
    start: date
    weeks: int
    free_weeks: frozenset[int]

    @property
    def end(self) -> date:
        """The last day of the rent year."""
        return self.start + self.weeks * WEEK - timedelta(days=1)

    @property
    def collection_weeks(self) -> int:
        return self.weeks - len(self.free_weeks)

    def week_number(self, d: date) -> int:
        """1-based number of the rent week holding ``d`` in this rent year."""
        if not self.start <= d <= self.end:
            raise ValueError(f"{d} is not in rent year {self.year}")
        return (d - self.start).days // 7 + 1

    def week_start(self, number: int) -> date:
        return self.start + (number - 1) * WEEK

    def is_free(self, d: date) -> bool:
        return self.week_number(d) in self.free_weeks

    def collection_week_starts(self) -> list[date]:
        return [self.week_start(n) for n in range(1, self.weeks + 1) if n not in self.free_weeks]


@lru_cache(maxsize=512)
def rent_year(year: int, rule: RentFreeRule) -> RentYear:
    start = rent_year_start(year)
    weeks = (rent_year_start(year + 1) - start).days // 7
    free: set[int] = set()
    if rule.christmas:
        christmas = date(year, 12, 25)
        first = (week_start(christmas) - start).days // 7 + 1
        free.update(range(first, min(first + rule.christmas, weeks + 1)))
    year_end = rule.year_end + (1 if rule.extra_in_53_week_years and weeks == 53 else 0)
    free.update(range(weeks - year_end + 1, weeks + 1))
    return RentYear(year=year, start=start, weeks=weeks, free_weeks=frozenset(free))


def collection_weeks(first: date, last: date, rule: RentFreeRule) -> Iterator[date]:
    """The Mondays of the collection weeks that overlap ``first``..``last`` inclusive."""
    monday = week_start(first)
    while monday <= last:
        if not rent_year(rent_year_of(monday), rule).is_free(monday):
            yield monday
        monday += WEEK
