"""The balance rule agrees with a per-instalment reference on generated payment histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rentbook.arrangements.breach import (
    Balances,
    State,
    Status,
    Tolerance,
    assess,
    instalment_statuses,
    state_on,
)
from rentbook.arrangements.schedules import Frequency, Instalment, Rule, Terms, schedule

START = date(2024, 1, 15)


@st.composite
def histories(draw):
    amount = draw(st.integers(100, 300_000))
    instalment = draw(st.integers(max(100, amount // 200 + 1), max(100, amount)))
    frequency = draw(st.sampled_from(list(Frequency)))
    lump = draw(st.sampled_from([0, 0, amount // 3]))
    terms = Terms(amount, instalment, Rule(frequency), START, lump_sum=lump, lump_sum_on=START)
    payments = schedule(terms)
    pays = draw(
        st.lists(st.tuples(st.integers(0, 400), st.integers(1, max(2, amount // 2))), max_size=15)
    )
    tolerance = Tolerance(draw(st.integers(0, 10)), draw(st.sampled_from([0, 0, 50, 1_000])))
    as_of = START + timedelta(days=draw(st.integers(0, 450)))
    return amount, payments, [(START + timedelta(days=d), a) for d, a in pays], tolerance, as_of


def paid_by(pays, day):
    return sum(a for d, a in pays if d <= day)


def reference_state(amount, payments: list[Instalment], pays, day, tolerance) -> State:
    """Per instalment: it is covered on ``day`` when the payments so far reach everything due
    up to it (less the tolerance in pence); broken if any instalment whose date + T has come
    is not covered."""
    paid = paid_by(pays, day)
    if paid >= amount:
        return State.COMPLETED
    cumulative = 0
    for p in payments:
        cumulative += p.amount
        if p.due + timedelta(days=tolerance.days) <= day and paid < cumulative - tolerance.pence:
            return State.BREACHED
    return State.LIVE


@settings(max_examples=300)
@given(histories())
def test_the_balance_rule_agrees_with_the_per_instalment_reference(history):
    amount, payments, pays, tolerance, as_of = history
    actual = amount - paid_by(pays, as_of)
    expected = reference_state(amount, payments, pays, as_of, tolerance)
    assert state_on(amount, payments, actual, as_of, tolerance) == expected


@settings(max_examples=300)
@given(histories())
def test_the_history_counts_each_fall_behind_once(history):
    amount, payments, pays, tolerance, as_of = history
    balances = Balances.from_movements(amount, [(d, -a) for d, a in pays])
    result = assess(amount, payments, balances, as_of, tolerance, start=START)
    # the reference: walk each day a payment comes due (+T) and the day itself
    days = sorted({p.due + timedelta(days=tolerance.days) for p in payments} | {as_of})
    states, state = [], State.LIVE
    for day in (d for d in days if START <= d <= as_of):
        state = reference_state(amount, payments, pays, day, tolerance)
        states.append(state)
        if state == State.COMPLETED:
            break
    breaches = sum(
        1 for i, s in enumerate(states) if s == State.BREACHED and (i == 0 or states[i - 1] != s)
    )
    assert result.state == (states[-1] if states else State.LIVE)
    assert result.breaches == breaches
    if result.state == State.BREACHED:
        assert result.breaches >= 1


@settings(max_examples=300)
@given(histories())
def test_an_instalment_is_missed_exactly_when_the_arrangement_is_broken(history):
    amount, payments, pays, tolerance, as_of = history
    balances = Balances.from_movements(amount, [(d, -a) for d, a in pays])
    statuses = instalment_statuses(amount, payments, balances, as_of, tolerance)
    state = state_on(amount, payments, balances.on(as_of), as_of, tolerance)
    missed = any(s.status == Status.MISSED for s in statuses)
    if state != State.COMPLETED:
        assert missed == (state == State.BREACHED)
    for s in statuses:
        if s.status in (Status.PAID, Status.LATE) and s.cleared_on is not None:
            assert s.cleared_on <= as_of


def test_cancelled_stops_the_checks():
    payments = schedule(Terms(10_000, 2_000, Rule(Frequency.WEEKLY), START))
    result = assess(
        10_000,
        payments,
        Balances(10_000),
        START + timedelta(days=60),
        Tolerance(),
        start=START,
        cancelled_on=START + timedelta(days=10),
    )
    assert result.state == State.CANCELLED
    assert result.breaches == 1  # one check before it ended, behind


def test_falling_behind_twice_is_two_breaches():
    payments = schedule(Terms(10_000, 2_000, Rule(Frequency.WEEKLY), START))
    # misses the first, catches up in week 2, misses again in week 4
    balances = Balances.from_movements(10_000, [(START + timedelta(days=8), -4_000)])
    result = assess(
        10_000, payments, balances, START + timedelta(days=30), Tolerance(), start=START
    )
    assert [c.state for c in result.checks] == [
        State.BREACHED,
        State.LIVE,
        State.BREACHED,
        State.BREACHED,
        State.BREACHED,
    ]
    assert result.breaches == 2
