from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.ledger.calendar import (
    RentFreeRule,
    collection_weeks,
    rent_year,
    rent_year_of,
    rent_year_start,
    week_start,
)

years = st.integers(min_value=1990, max_value=2100)
rules = st.builds(
    RentFreeRule,
    christmas=st.integers(min_value=0, max_value=3),
    year_end=st.integers(min_value=0, max_value=3),
    extra_in_53_week_years=st.booleans(),
)


def test_rent_year_starts_on_the_first_monday_of_april():
    assert rent_year_start(2025) == date(2025, 4, 7)
    assert rent_year_start(2024) == date(2024, 4, 1)
    assert rent_year_start(2026) == date(2026, 4, 6)


@given(years)
def test_every_rent_year_starts_on_a_monday_in_the_first_week_of_april(year):
    start = rent_year_start(year)
    assert start.weekday() == 0
    assert start.month == 4 and start.day <= 7


@given(years)
def test_rent_years_have_52_or_53_weeks_and_tile_time(year):
    ry = rent_year(year, RentFreeRule())
    assert ry.weeks in (52, 53)
    assert ry.end + timedelta(days=1) == rent_year_start(year + 1)


def test_some_rent_years_have_53_weeks():
    # The first Monday of April falls on the 1st, and the next rent year starts on the 7th.
    years = [y for y in range(2015, 2040) if rent_year(y, RentFreeRule()).weeks == 53]
    assert years == [2019, 2024, 2030, 2035]


@given(years, rules)
def test_a_rent_year_with_k_free_weeks_debits_exactly_its_collection_weeks(year, rule):
    ry = rent_year(year, rule)
    k = len(ry.free_weeks)
    mondays = list(collection_weeks(ry.start, ry.end, rule))
    assert len(mondays) == ry.weeks - k == ry.collection_weeks
    assert all(not ry.is_free(m) for m in mondays)
    expected_free = rule.christmas + rule.year_end
    if rule.extra_in_53_week_years and ry.weeks == 53:
        expected_free += 1
    assert k == expected_free


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=0, max_value=3))
def test_christmas_free_weeks_start_with_the_week_holding_christmas_day(year, n):
    ry = rent_year(year, RentFreeRule(christmas=n))
    christmas = date(year, 12, 25)
    assert ry.is_free(christmas) == (n > 0)
    assert len(ry.free_weeks) == n


@pytest.mark.parametrize(
    ("text", "collection"),
    [("", 52), ("christmas=2", 50), ("christmas=2,year-end=2", 48), ("year-end=2", 50)],
)
def test_landlords_collect_in_48_50_or_52_weeks(text, collection):
    assert rent_year(2025, RentFreeRule.parse(text)).collection_weeks == collection


def test_the_53rd_week_can_be_free_so_tenants_pay_the_same_weeks_every_year():
    rule = RentFreeRule.parse("christmas=2,year-end=2,53rd-week=free")
    assert rent_year(2024, rule).weeks == 53
    assert rent_year(2024, rule).collection_weeks == 48
    assert rent_year(2025, rule).collection_weeks == 48


@pytest.mark.parametrize("text", ["christmas", "christmas=x", "easter=2", "53rd-week=maybe"])
def test_a_bad_rent_free_setting_is_refused_with_its_text(text):
    with pytest.raises(ValueError, match="rent-free weeks"):
        RentFreeRule.parse(text)


def test_parse_and_str_round_trip():
    rule = RentFreeRule(christmas=1, year_end=2, extra_in_53_week_years=True)
    assert RentFreeRule.parse(str(rule)) == rule


@given(st.dates(min_value=date(1990, 5, 1), max_value=date(2100, 1, 1)))
def test_every_day_is_in_the_rent_year_and_week_it_is_filed_under(d):
    ry = rent_year(rent_year_of(d), RentFreeRule())
    assert ry.start <= d <= ry.end
    assert ry.week_start(ry.week_number(d)) == week_start(d)
