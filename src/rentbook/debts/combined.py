"""Combination arrangements (seed 002 4.4): one payment, at one frequency, across a customer's
debts, as plain functions over plain values.

Each payment is allocated by ``allocation.allocate``: first every ongoing liability due with
that payment (the week's rent, this year's council tax instalments spread over the payments
before the year's last instalment), then the arrears in priority order, oldest first. ``plan``
repeats that for every payment until the arrears are cleared, so every debt's share of every
payment is known to the penny before the customer agrees; the same terms always give the same
plan.

Breach is decided **per stream** (``part_state``) by the published rule of
``arrangements.breach`` applied to that debt's own share of the payments: a customer who keeps
up their rent but stops paying council tax has broken the council tax part, and only that
debt's recovery resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rentbook.arrangements.breach import (
    Assessment,
    Balances,
    Check,
    State,
    Tolerance,
    assess,
    counts_from,
)
from rentbook.arrangements.schedules import (
    MAX_INSTALMENTS,
    PER_YEAR,
    Frequency,
    Instalment,
    Rule,
    due_date,
)
from rentbook.debts.allocation import DEFAULT_PRIORITY, Owed, allocate


class CombinedError(ValueError):
    """Terms that cannot make a combination arrangement, said so the officer can fix them."""


@dataclass(frozen=True)
class Part:
    """One debt in the arrangement. ``arrears`` is what it owes now (pence). The ongoing
    liability is ``ongoing_each`` with every payment on or before ``ongoing_until`` (None: for
    as long as the arrangement runs, as rent), never more than ``ongoing_total`` in all (None:
    no cap)."""

    key: str
    stream: str
    year: int
    arrears: int
    ongoing_each: int = 0
    ongoing_until: date | None = None
    ongoing_total: int | None = None

    def __post_init__(self) -> None:
        if self.arrears < 0 or self.ongoing_each < 0 or (self.ongoing_total or 0) < 0:
            raise CombinedError(f"{self.key}: amounts are never negative")


@dataclass(frozen=True)
class Payment:
    number: int  # 1, 2, ...
    due: date
    amount: int  # what the customer pays this time (the last may be smaller)
    ongoing: dict[str, int]  # pence to each part's ongoing liability
    arrears: dict[str, int]  # pence to each part's arrears


@dataclass(frozen=True)
class Plan:
    payments: tuple[Payment, ...]

    @property
    def clears_on(self) -> date | None:
        return self.payments[-1].due if self.payments else None

    def clears(self, key: str) -> date | None:
        """The date of the payment that clears ``key``'s arrears."""
        last = None
        for p in self.payments:
            if p.arrears.get(key):
                last = p.due
        return last

    def instalments(self, key: str) -> list[Instalment]:
        """``key``'s share of the arrears payments, as a schedule the breach rule reads."""
        return [
            Instalment(p.number, p.due, p.arrears[key]) for p in self.payments if p.arrears.get(key)
        ]

    def ongoing(self, key: str) -> list[Instalment]:
        return [
            Instalment(p.number, p.due, p.ongoing[key]) for p in self.payments if p.ongoing.get(key)
        ]


def per_payment(monthly_or_weekly: int, per_year: int, frequency: Frequency) -> int:
    """An amount due ``per_year`` times a year as pence per payment of ``frequency``, rounded
    up so the liability is always covered."""
    return -(-monthly_or_weekly * per_year // PER_YEAR[frequency])


def payments_until(first: date, rule: Rule, last: date) -> int:
    """How many payments of the rule fall on or before ``last``."""
    n = 0
    while due_date(first, rule, n) <= last:
        n += 1
        if n > MAX_INSTALMENTS:
            break
    return n


def _ongoing_due(part: Part, due: date, paid: int) -> int:
    if part.ongoing_until is not None and due > part.ongoing_until:
        return 0
    if part.ongoing_total is not None:
        return max(0, min(part.ongoing_each, part.ongoing_total - paid))
    return part.ongoing_each


def plan(
    payment: int,
    parts: Sequence[Part],
    rule: Rule,
    first: date,
    priority: Sequence[str] = DEFAULT_PRIORITY,
) -> Plan:
    """Every payment of ``payment`` pence by ``rule`` from ``first`` until the arrears are
    cleared, each allocated across the parts."""
    if rule.frequency == Frequency.ONE_OFF:
        raise CombinedError("A combination arrangement is paid in instalments, not once")
    if payment <= 0:
        raise CombinedError("Enter a payment of more than £0")
    if len({p.key for p in parts}) != len(parts):
        raise CombinedError("each debt appears once")
    left = {p.key: p.arrears for p in parts}
    if sum(left.values()) <= 0:
        raise CombinedError("There are no arrears to clear, so no arrangement is needed")
    paid_ongoing = dict.fromkeys(left, 0)
    out: list[Payment] = []
    k = 0
    while any(left.values()):
        if k >= MAX_INSTALMENTS:
            raise CombinedError(
                f"More than {MAX_INSTALMENTS} payments would be needed: the payment is too small"
            )
        due = due_date(first, rule, k)
        ongoing = {p.key: _ongoing_due(p, due, paid_ongoing[p.key]) for p in parts}
        needed = sum(ongoing.values())
        if payment <= needed:
            raise CombinedError(
                f"A payment of £{payment / 100:,.2f} does not cover the ongoing charges due with"
                f" it (£{needed / 100:,.2f}), so the arrears would never go down"
            )
        a = allocate(
            payment,
            [Owed(p.key, p.stream, p.year, ongoing[p.key], left[p.key]) for p in parts],
            priority,
        )
        to_arrears = {}
        for key, pence in a.to.items():
            towards = pence - ongoing[key]
            if towards:
                to_arrears[key] = towards
                left[key] -= towards
        for key, pence in ongoing.items():
            paid_ongoing[key] += pence
        k += 1
        out.append(
            Payment(
                k,
                due,
                payment - a.unallocated,
                {key: v for key, v in ongoing.items() if v},
                to_arrears,
            )
        )
    return Plan(tuple(out))


def part_state(
    part: Part,
    schedule: Plan,
    owed: Balances,
    as_of: date,
    tolerance: Tolerance,
    *,
    start: date,
    cancelled_on: date | None = None,
) -> Assessment:
    """One part's state on ``as_of`` by the published breach rule: ``owed`` is what the debt
    owes over time (for rent the ledger balance; for council tax what has fallen due and is
    unpaid). A part with arrears is checked against its share of the payments; a part with
    only an ongoing liability is broken whenever what it owes is above the tolerance."""
    if part.arrears > 0:
        return assess(
            part.arrears,
            schedule.instalments(part.key),
            owed,
            as_of,
            tolerance,
            start=start,
            cancelled_on=cancelled_on,
        )
    last = as_of if cancelled_on is None else min(as_of, cancelled_on - timedelta(days=1))
    days = sorted({counts_from(p, tolerance) for p in schedule.ongoing(part.key)} | {last})
    checks: list[Check] = []
    state, since, breaches = State.LIVE, start, 0
    for day in (d for d in days if start <= d <= last):
        now = State.BREACHED if owed.on(day) > tolerance.pence else State.LIVE
        checks.append(Check(day, 0, owed.on(day), now))
        if now != state:
            since = day
            breaches += now == State.BREACHED
        state = now
    if cancelled_on is not None and cancelled_on <= as_of:
        return Assessment(State.CANCELLED, breaches, cancelled_on, tuple(checks))
    return Assessment(state, breaches, since, tuple(checks))


def overall(states: Sequence[tuple[bool, State]]) -> State:
    """The arrangement's state from its parts' (each with whether it had arrears): broken if
    any part is, completed when every part with arrears is."""
    only = [s for _, s in states]
    if State.CANCELLED in only:
        return State.CANCELLED
    if State.BREACHED in only:
        return State.BREACHED
    cleared = [s for has_arrears, s in states if has_arrears]
    if cleared and all(s == State.COMPLETED for s in cleared):
        return State.COMPLETED
    return State.LIVE
