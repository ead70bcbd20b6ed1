"""Schedules land on the right dates and add up to what they clear."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.arrangements.schedules import (
    LAST,
    PERIOD_DAYS,
    Frequency,
    Rule,
    ScheduleError,
    Terms,
    add_months,
    clearance_date,
    describe,
    due_dates,
    first_payment_date,
    schedule,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
pence = st.integers(min_value=1, max_value=2_000_000)


def rules():
    return st.one_of(
        st.builds(Rule, st.sampled_from(list(PERIOD_DAYS)), weekday=st.integers(0, 6)),
        st.builds(Rule, st.just(Frequency.MONTHLY), day_of_month=st.integers(1, 31)),
        st.builds(
            Rule,
            st.just(Frequency.MONTHLY),
            weekday=st.integers(0, 6),
            nth=st.sampled_from([1, 2, 3, 4, LAST]),
        ),
        st.just(Rule(Frequency.ONE_OFF)),
    )


@given(days, rules())
def test_the_first_payment_is_the_first_fitting_day_on_or_after_the_start(start, rule):
    first = first_payment_date(start, rule)
    assert first >= start
    if rule.frequency in PERIOD_DAYS:
        assert first.weekday() == rule.weekday
        assert first - start < timedelta(days=7)
    elif rule.frequency == Frequency.MONTHLY:
        assert first < add_months(start, 1) + timedelta(days=7)
        assert first == due_dates(first, rule, 1)[0]


@given(days, st.sampled_from(list(PERIOD_DAYS)), st.integers(1, 120))
def test_weekly_kinds_are_a_fixed_number_of_days_apart(first, frequency, count):
    dates = due_dates(first, Rule(frequency), count)
    assert all(b - a == timedelta(days=PERIOD_DAYS[frequency]) for a, b in pairwise(dates))
    assert {d.weekday() for d in dates} == {first.weekday()}


@given(days, st.integers(1, 31), st.integers(1, 60))
def test_monthly_on_a_day_lands_on_it_or_the_months_last_day(start, day, count):
    rule = Rule(Frequency.MONTHLY, day_of_month=day)
    dates = due_dates(first_payment_date(start, rule), rule, count)
    for a, b in pairwise(dates):
        assert (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
    for d in dates:
        assert d.day == min(day, calendar.monthrange(d.year, d.month)[1])


@given(days, st.integers(0, 6), st.sampled_from([1, 2, 3, 4, LAST]), st.integers(1, 40))
def test_monthly_on_a_weekday_is_the_nth_of_each_month(start, weekday, nth, count):
    rule = Rule(Frequency.MONTHLY, weekday=weekday, nth=nth)
    dates = due_dates(first_payment_date(start, rule), rule, count)
    for d in dates:
        assert d.weekday() == weekday
        if nth == LAST:
            assert (d + timedelta(days=7)).month != d.month
        else:
            assert (d.day - 1) // 7 + 1 == nth
    for a, b in pairwise(dates):
        assert (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1


@given(pence, pence, rules(), days, st.integers(0, 500_000), days)
def test_a_schedule_adds_up_to_the_amount_it_clears(amount, instalment, rule, first, lump, lump_on):
    instalment = max(instalment, amount // 500 + 1)  # at most 500 instalments
    terms = Terms(amount, instalment, rule, first, lump_sum=lump, lump_sum_on=lump_on)
    payments = schedule(terms)
    assert sum(p.amount for p in payments) == amount
    assert all(p.amount > 0 for p in payments)
    regular = [p for p in payments if not p.lump_sum]
    if rule.frequency != Frequency.ONE_OFF:
        assert all(p.amount == instalment for p in regular[:-1])
        assert 0 < regular[-1].amount <= instalment if regular else True
    else:
        assert len(regular) <= 1
    assert [p.due for p in regular] == sorted(p.due for p in regular)
    assert clearance_date(terms) == (payments[-1].due if payments else None)


def test_month_end_and_leap_years():
    rule = Rule(Frequency.MONTHLY, day_of_month=31)
    dates = due_dates(date(2023, 12, 31), rule, 5)
    assert dates == [
        date(2023, 12, 31),
        date(2024, 1, 31),
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),  # back to the 31st, not dragged to the 29th
        date(2024, 4, 30),
    ]
    assert due_dates(date(2025, 1, 30), Rule(Frequency.MONTHLY, day_of_month=30), 2)[1] == date(
        2025, 2, 28
    )
    assert first_payment_date(date(2024, 2, 10), Rule(Frequency.MONTHLY, day_of_month=31)) == date(
        2024, 2, 29
    )


def test_clock_changes_do_not_move_a_weekly_instalment():
    # 31 March 2024 and 27 October 2024: the clocks change in the UK
    london = ZoneInfo("Europe/London")
    for first in (date(2024, 3, 25), date(2024, 10, 21)):
        dates = due_dates(first, Rule(Frequency.WEEKLY), 3)
        assert dates[1] - dates[0] == timedelta(days=7)
        midnights = [datetime.combine(d, time(), london) for d in dates]
        assert {m.hour for m in midnights} == {0}
        elapsed = midnights[1].astimezone(ZoneInfo("UTC")) - midnights[0].astimezone(
            ZoneInfo("UTC")
        )
        assert elapsed != timedelta(days=7)  # an hour won or lost, the date still a week on


def test_lump_sum_then_instalments():
    terms = Terms(
        100_000,
        10_000,
        Rule(Frequency.FORTNIGHTLY, weekday=0),
        date(2026, 1, 5),
        lump_sum=25_000,
        lump_sum_on=date(2026, 1, 2),
    )
    payments = schedule(terms)
    assert payments[0].lump_sum and payments[0].amount == 25_000
    assert [p.amount for p in payments[1:]] == [10_000] * 7 + [5_000]
    assert payments[-1].due == date(2026, 1, 5) + timedelta(days=14 * 7)


def test_bad_terms_are_refused():
    with pytest.raises(ScheduleError):
        schedule(Terms(1_000_000, 1, Rule(Frequency.WEEKLY), date(2026, 1, 1)))
    with pytest.raises(ScheduleError):
        Rule(Frequency.MONTHLY, day_of_month=32)
    with pytest.raises(ScheduleError):
        Terms(1_000, 0, Rule(Frequency.WEEKLY), date(2026, 1, 1))
    with pytest.raises(ScheduleError):
        Terms(1_000, 100, Rule(Frequency.WEEKLY), date(2026, 1, 1), lump_sum=10)


def test_rules_read_as_words():
    assert describe(Rule(Frequency.MONTHLY, day_of_month=31)) == (
        "Monthly on day 31 (or the month's last day)"
    )
    assert describe(Rule(Frequency.MONTHLY, weekday=4, nth=LAST)) == "Monthly on the last Friday"
    assert describe(Rule(Frequency.WEEKLY, weekday=0)) == "Weekly on Monday"
