"""Breach detection: the balance an arrangement expects against the balance the ledger holds.

The published rule (Hackney's Manage Arrears, shared/conformance/breach-examples.md), with a
tolerance of T days and P pence:

- a payment of the schedule (the lump sum or an instalment) *counts* once its date + T days
  is on or before the day checked;
- the expected balance is the starting balance less the payments that count, never below £0;
- the arrangement is **completed** when the actual balance is £0 or less, **breached** when the
  actual balance is more than the expected balance + P, otherwise **live**; **cancelled** when
  an officer ended it (or a new arrangement replaced it).

Over time (``assess``) the arrangement is checked on every payment's date + T up to the day,
and on the day itself. A breach is each check that finds it breached after a check that did
not (so a tenant who falls behind, catches up and falls behind again has broken it twice).
Completion is final: once a check finds the balance cleared, later checks do not reopen it.
The starting balance is the arrears the schedule clears; the actual balance is the ledger's
whole balance, so the ongoing rent must be paid too (if it is not, the balance rises above
the expected one).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from rentbook.arrangements.schedules import Instalment

DEFAULT_TOLERANCE_DAYS = 5
DEFAULT_TOLERANCE_PENCE = 0


class State(StrEnum):
    LIVE = "live"
    BREACHED = "breached"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Tolerance:
    days: int = DEFAULT_TOLERANCE_DAYS
    pence: int = DEFAULT_TOLERANCE_PENCE

    def __post_init__(self) -> None:
        if self.days < 0 or self.pence < 0:
            raise ValueError("a tolerance is never negative")


def counts_from(payment: Instalment, tolerance: Tolerance) -> date:
    """The first day a payment counts against the tenant."""
    return payment.due + timedelta(days=tolerance.days)


def expected_balance(
    starting_balance: int, payments: Sequence[Instalment], on: date, tolerance: Tolerance
) -> int:
    due = sum(p.amount for p in payments if counts_from(p, tolerance) <= on)
    return max(0, starting_balance - due)


def state_on(
    starting_balance: int,
    payments: Sequence[Instalment],
    actual_balance: int,
    on: date,
    tolerance: Tolerance,
) -> State:
    """The published rule on one day."""
    if actual_balance <= 0:
        return State.COMPLETED
    expected = expected_balance(starting_balance, payments, on, tolerance)
    return State.BREACHED if actual_balance > expected + tolerance.pence else State.LIVE


@dataclass(frozen=True)
class Balances:
    """The ledger balance over time: ``opening`` before the first change, then the balance at
    the end of each day in ``days`` (ascending)."""

    opening: int
    days: tuple[date, ...] = ()
    balances: tuple[int, ...] = ()

    @classmethod
    def from_movements(cls, opening: int, movements: Sequence[tuple[date, int]]) -> Balances:
        by_day: dict[date, int] = {}
        for d, amount in movements:
            by_day[d] = by_day.get(d, 0) + amount
        days = tuple(sorted(by_day))
        running, out = opening, []
        for d in days:
            running += by_day[d]
            out.append(running)
        return cls(opening, days, tuple(out))

    def on(self, d: date) -> int:
        i = bisect.bisect_right(self.days, d)
        return self.balances[i - 1] if i else self.opening


@dataclass(frozen=True)
class Check:
    on: date
    expected: int
    actual: int
    state: State


@dataclass(frozen=True)
class Assessment:
    state: State
    breaches: int
    since: date | None  # when the current state began (the check that found it)
    checks: tuple[Check, ...] = field(default=())


def check_days(
    payments: Sequence[Instalment], as_of: date, tolerance: Tolerance, start: date
) -> list[date]:
    days = {counts_from(p, tolerance) for p in payments}
    return [*sorted(d for d in days if start <= d <= as_of), as_of]


def assess(
    starting_balance: int,
    payments: Sequence[Instalment],
    balances: Balances,
    as_of: date,
    tolerance: Tolerance,
    *,
    start: date,
    cancelled_on: date | None = None,
) -> Assessment:
    """The state on ``as_of``, how many times the arrangement has been broken, and the
    checks that decided it (each payment's date + T, then ``as_of``)."""
    if as_of < start:
        raise ValueError("an arrangement cannot be assessed before it starts")
    last = as_of
    if cancelled_on is not None and cancelled_on <= as_of:
        last = cancelled_on - timedelta(days=1)
    checks: list[Check] = []
    breaches = 0
    state, since = State.LIVE, start
    previous = State.LIVE
    for day in check_days(payments, last, tolerance, start) if last >= start else []:
        if checks and checks[-1].on == day:
            continue
        actual = balances.on(day)
        now = state_on(starting_balance, payments, actual, day, tolerance)
        checks.append(
            Check(day, expected_balance(starting_balance, payments, day, tolerance), actual, now)
        )
        if now != previous:
            since = day
            if now == State.BREACHED:
                breaches += 1
        state, previous = now, now
        if now == State.COMPLETED:
            break
    if cancelled_on is not None and cancelled_on <= as_of and state != State.COMPLETED:
        return Assessment(State.CANCELLED, breaches, cancelled_on, tuple(checks))
    return Assessment(state, breaches, since, tuple(checks))


class Status(StrEnum):
    PAID = "paid"  # cleared by its date + the tolerance in days
    LATE = "late"  # cleared, but after that
    MISSED = "missed"  # not cleared, and its date + tolerance has passed
    DUE = "due"  # not cleared yet, still within its date + tolerance


@dataclass(frozen=True)
class InstalmentStatus:
    instalment: Instalment
    status: Status
    cleared_on: date | None


def instalment_statuses(
    starting_balance: int,
    payments: Sequence[Instalment],
    balances: Balances,
    as_of: date,
    tolerance: Tolerance,
) -> list[InstalmentStatus]:
    """Each payment of the schedule marked paid, late, missed or due: a payment is cleared on
    the first day the balance is down by everything due up to and including it (less the
    tolerance in pence): the same arithmetic as the breach rule, one payment at a time."""
    out = []
    cumulative = 0
    days = [d for d in balances.days if d <= as_of]
    for p in payments:
        cumulative += p.amount
        target = starting_balance - cumulative + tolerance.pence
        cleared: date | None = None
        ahead = balances.opening <= target  # cleared before any movement we hold
        if not ahead:
            for d, b in zip(days, balances.balances, strict=False):
                if b <= target:
                    cleared = d
                    break
        limit = counts_from(p, tolerance)
        if ahead or (cleared is not None and cleared <= limit):
            status = Status.PAID
        elif cleared is not None:
            status = Status.LATE
        else:
            status = Status.MISSED if limit <= as_of else Status.DUE
        out.append(InstalmentStatus(p, status, cleared))
    return out
