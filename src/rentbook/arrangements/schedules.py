"""Instalment schedules: when each payment of an arrangement falls due and how much it is.

Pure functions over plain values (dates and integer pence). Dates are calendar dates, so a
clock change (the last Sunday of March or October) cannot move an instalment: a week is always
seven calendar days and a month is a calendar month.

Frequencies:

- weekly, fortnightly, four-weekly: every 7, 14 or 28 days from the first payment date (which
  falls on the weekday the officer chose);
- monthly on a day of the month: that day each month, clamped to the month's last day (the
  31st is 28 or 29 February, 30 April…), always counted from the first payment, so a clamped
  month does not drag the later ones;
- monthly on a weekday: the n-th (1st to 4th) or last given weekday of each month;
- one-off: a single payment;
- any of these may start with a lump sum on its own date, then the instalments.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"
    ONE_OFF = "one_off"


FREQUENCY_LABELS = {
    Frequency.WEEKLY: "Weekly",
    Frequency.FORTNIGHTLY: "Fortnightly",
    Frequency.FOUR_WEEKLY: "Every four weeks",
    Frequency.MONTHLY: "Monthly",
    Frequency.ONE_OFF: "One payment",
}

#: Days between instalments for the frequencies counted in days.
PERIOD_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.FOUR_WEEKLY: 28}
#: How many of each frequency fall in a year, to compare with a weekly charge: 52 weeks.
PER_YEAR = {
    Frequency.WEEKLY: 52,
    Frequency.FORTNIGHTLY: 26,
    Frequency.FOUR_WEEKLY: 13,
    Frequency.MONTHLY: 12,
}
#: A schedule longer than this (20 years of weekly payments) is a mistake in the terms.
MAX_INSTALMENTS = 1040
LAST = -1  # "the last <weekday> of the month"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScheduleError(ValueError):
    """Terms that cannot make a schedule."""


def month_day(year: int, month: int, day: int) -> date:
    """``day`` of the month, clamped to its last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(d: date, months: int, day: int | None = None) -> date:
    """The same day (or ``day``) ``months`` calendar months on, clamped at the month's end."""
    index = d.year * 12 + d.month - 1 + months
    return month_day(index // 12, index % 12 + 1, day or d.day)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1 to 4, or LAST) ``weekday`` (Monday 0) of a month."""
    if nth == LAST:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= nth <= 4:
        raise ScheduleError("a monthly weekday is the 1st to 4th or the last in the month")
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


@dataclass(frozen=True)
class Rule:
    """When instalments fall: the frequency and, for monthly, a day of the month or the n-th
    weekday (``weekday`` 0 = Monday with ``nth`` 1 to 4 or LAST)."""

    frequency: Frequency
    day_of_month: int | None = None
    weekday: int | None = None
    nth: int | None = None

    def __post_init__(self) -> None:
        if self.day_of_month is not None and not 1 <= self.day_of_month <= 31:
            raise ScheduleError("a day of the month is 1 to 31")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ScheduleError("a weekday is 0 (Monday) to 6 (Sunday)")
        if self.nth is not None and self.nth != LAST and not 1 <= self.nth <= 4:
            raise ScheduleError("a monthly weekday is the 1st to 4th or the last in the month")
        if self.frequency == Frequency.MONTHLY and self.nth is not None and self.weekday is None:
            raise ScheduleError("a monthly weekday needs the weekday")


def first_payment_date(start: date, rule: Rule) -> date:
    """The first instalment date on or after ``start`` that fits the rule."""
    f = rule.frequency
    if f == Frequency.MONTHLY:
        if rule.nth is not None and rule.weekday is not None:
            d = nth_weekday(start.year, start.month, rule.weekday, rule.nth)
            if d < start:
                nxt = add_months(date(start.year, start.month, 1), 1)
                d = nth_weekday(nxt.year, nxt.month, rule.weekday, rule.nth)
            return d
        if rule.day_of_month is not None:
            d = month_day(start.year, start.month, rule.day_of_month)
            return d if d >= start else add_months(d, 1, rule.day_of_month)
        return start
    if f in PERIOD_DAYS and rule.weekday is not None:
        return start + timedelta(days=(rule.weekday - start.weekday()) % 7)
    return start


def due_date(first: date, rule: Rule, k: int) -> date:
    """The date of instalment ``k`` (0 is the first payment)."""
    f = rule.frequency
    if k < 0:
        raise ScheduleError("instalments count from 0")
    if f == Frequency.ONE_OFF:
        if k:
            raise ScheduleError("a one-off arrangement has one payment")
        return first
    if f in PERIOD_DAYS:
        return first + timedelta(days=PERIOD_DAYS[f] * k)
    if rule.nth is not None and rule.weekday is not None:
        m = add_months(date(first.year, first.month, 1), k)
        return nth_weekday(m.year, m.month, rule.weekday, rule.nth)
    return add_months(first, k, rule.day_of_month or first.day)


def due_dates(first: date, rule: Rule, count: int) -> list[date]:
    return [due_date(first, rule, k) for k in range(count)]


@dataclass(frozen=True)
class Instalment:
    number: int  # 0 for a lump sum, then 1, 2, …
    due: date
    amount: int  # pence
    lump_sum: bool = False


@dataclass(frozen=True)
class Terms:
    """What was agreed: clear ``amount`` (pence) by an optional lump sum on ``lump_sum_on``,
    then ``instalment`` by the rule from ``first_payment``."""

    amount: int
    instalment: int
    rule: Rule
    first_payment: date
    lump_sum: int = 0
    lump_sum_on: date | None = None

    def __post_init__(self) -> None:
        if self.amount < 0 or self.instalment < 0 or self.lump_sum < 0:
            raise ScheduleError("amounts are never negative")
        if self.lump_sum and self.lump_sum_on is None:
            raise ScheduleError("a lump sum needs its date")
        if (
            self.amount > self.lump_sum
            and self.instalment <= 0
            and self.rule.frequency != Frequency.ONE_OFF
        ):
            raise ScheduleError("instalments must be more than £0")


def schedule(terms: Terms) -> list[Instalment]:
    """Every payment that clears the amount: the lump sum, then equal instalments with a
    smaller last one; they add up to exactly the amount."""
    out: list[Instalment] = []
    left = terms.amount
    if terms.lump_sum and terms.lump_sum_on is not None:
        lump = min(terms.lump_sum, left)
        if lump:
            out.append(Instalment(0, terms.lump_sum_on, lump, lump_sum=True))
            left -= lump
    if left <= 0:
        return out
    if terms.rule.frequency == Frequency.ONE_OFF:
        out.append(Instalment(1, terms.first_payment, left))
        return out
    count = -(-left // terms.instalment)
    if count > MAX_INSTALMENTS:
        raise ScheduleError(f"more than {MAX_INSTALMENTS} instalments: the instalment is too small")
    for k in range(count):
        amount = min(terms.instalment, left)
        out.append(Instalment(k + 1, due_date(terms.first_payment, terms.rule, k), amount))
        left -= amount
    return out


def clearance_date(terms: Terms) -> date | None:
    """The date of the last payment; None if there is nothing to clear."""
    payments = schedule(terms)
    return payments[-1].due if payments else None


def describe(rule: Rule) -> str:
    """The rule in words: "Monthly on day 31 (or the month's last day)"."""
    f = rule.frequency
    label = FREQUENCY_LABELS[f]
    if f == Frequency.MONTHLY and rule.nth is not None and rule.weekday is not None:
        which = "last" if rule.nth == LAST else ("1st", "2nd", "3rd", "4th")[rule.nth - 1]
        return f"{label} on the {which} {WEEKDAYS[rule.weekday]}"
    if f == Frequency.MONTHLY and rule.day_of_month:
        tail = " (or the month's last day)" if rule.day_of_month > 28 else ""
        return f"{label} on day {rule.day_of_month}{tail}"
    if f in PERIOD_DAYS and rule.weekday is not None:
        return f"{label} on {WEEKDAYS[rule.weekday]}"
    return label
