"""Every row of shared/conformance/breach-examples.md (Hackney's published rule)."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.arrangements.breach import Balances, State, Tolerance, assess, state_on
from rentbook.arrangements.schedules import Frequency, Rule, Terms, schedule

START = date(2019, 11, 1)

ROWS = [
    # frequency, instalment £, starting £, checked on, actual £, state, expected £ (or None)
    (Frequency.MONTHLY, 50, 100, date(2019, 11, 5), 100, State.LIVE, None),
    (Frequency.MONTHLY, 50, 100, date(2019, 11, 6), 100, State.BREACHED, None),
    (Frequency.MONTHLY, 20, 100, date(2019, 12, 5), 80, State.LIVE, None),
    (Frequency.MONTHLY, 20, 100, date(2019, 12, 6), 80, State.BREACHED, 60),
    (Frequency.WEEKLY, 20, 100, date(2019, 11, 26), 40, State.LIVE, None),
    (Frequency.WEEKLY, 20, 100, date(2019, 11, 27), 40, State.BREACHED, None),
    (Frequency.FORTNIGHTLY, 20, 100, date(2019, 11, 19), 80, State.LIVE, None),
    (Frequency.FORTNIGHTLY, 20, 100, date(2019, 11, 20), 80, State.BREACHED, None),
    (Frequency.FOUR_WEEKLY, 20, 100, date(2019, 12, 31), 60, State.LIVE, None),
    (Frequency.FOUR_WEEKLY, 20, 100, date(2020, 1, 1), 60, State.BREACHED, None),
    (Frequency.ONE_OFF, 100, 100, date(2019, 11, 5), 50, State.LIVE, None),
    (Frequency.ONE_OFF, 100, 100, date(2019, 11, 6), 50, State.BREACHED, None),
]


def _payments(frequency: Frequency, instalment: int, starting: int):
    return schedule(Terms(starting * 100, instalment * 100, Rule(frequency), START))


@pytest.mark.parametrize(
    ("frequency", "instalment", "starting", "on", "actual", "state", "exp"), ROWS
)
def test_published_breach_example(frequency, instalment, starting, on, actual, state, exp):
    payments = _payments(frequency, instalment, starting)
    tolerance = Tolerance(days=5, pence=0)
    assert state_on(starting * 100, payments, actual * 100, on, tolerance) == state
    # the same answer from a history whose balance is the actual balance from the start
    result = assess(starting * 100, payments, Balances(actual * 100), on, tolerance, start=START)
    assert result.state == state
    if exp is not None:
        assert result.checks[-1].expected == exp * 100


def test_completed_when_the_balance_is_cleared():
    payments = _payments(Frequency.MONTHLY, 50, 100)
    assert state_on(10_000, payments, 0, date(2019, 11, 2), Tolerance()) == State.COMPLETED
    assert state_on(10_000, payments, -500, date(2020, 3, 2), Tolerance()) == State.COMPLETED


def test_tolerance_in_pounds_forgives_a_small_shortfall():
    payments = _payments(Frequency.WEEKLY, 20, 100)
    on = date(2019, 11, 6)
    assert state_on(10_000, payments, 8_100, on, Tolerance(5, 0)) == State.BREACHED
    assert state_on(10_000, payments, 8_100, on, Tolerance(5, 100)) == State.LIVE
    assert state_on(10_000, payments, 8_101, on, Tolerance(5, 100)) == State.BREACHED


def test_a_lump_sum_counts_once_its_date_and_tolerance_pass():
    terms = Terms(
        10_000,
        2_000,
        Rule(Frequency.MONTHLY),
        date(2019, 12, 1),
        lump_sum=5_000,
        lump_sum_on=START,
    )
    payments = schedule(terms)
    assert state_on(10_000, payments, 10_000, date(2019, 11, 5), Tolerance()) == State.LIVE
    assert state_on(10_000, payments, 10_000, date(2019, 11, 6), Tolerance()) == State.BREACHED
    assert state_on(10_000, payments, 5_000, date(2019, 12, 5), Tolerance()) == State.LIVE
    assert state_on(10_000, payments, 5_000, date(2019, 12, 6), Tolerance()) == State.BREACHED
