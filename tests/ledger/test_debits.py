from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rentbook.ledger.calendar import RentFreeRule, rent_year
from rentbook.ledger.debits import ChargeLineValue, weekly_debits

RULE = RentFreeRule.parse("christmas=2,year-end=2")


def test_a_full_rent_year_debits_rent_in_each_collection_week():
    ry = rent_year(2025, RULE)
    debits = weekly_debits(
        [ChargeLineValue("rent", 10_000, date(2020, 1, 6))],
        tenancy_start=date(2020, 1, 6),
        tenancy_end=None,
        first=ry.start,
        last=ry.end,
        rule=RULE,
    )
    assert len(debits) == 48
    assert sum(d.amount for d in debits) == 48 * 10_000
    assert all(d.week.weekday() == 0 for d in debits)


def test_rent_and_service_charges_are_debited_as_separate_lines():
    lines = [
        ChargeLineValue("rent", 9_000, date(2025, 4, 7)),
        ChargeLineValue("heating", 1_250, date(2025, 4, 7)),
    ]
    debits = weekly_debits(
        lines,
        tenancy_start=date(2025, 4, 7),
        tenancy_end=None,
        first=date(2025, 4, 7),
        last=date(2025, 4, 13),
        rule=RULE,
    )
    assert [(d.code, d.amount) for d in debits] == [("rent", 9_000), ("heating", 1_250)]
    assert debits[0].source_ref("T1") == "T1/rent/2025-04-07"


def test_an_april_increase_takes_effect_in_the_new_rent_year():
    lines = [
        ChargeLineValue("rent", 10_000, date(2024, 4, 1), date(2025, 4, 6)),
        ChargeLineValue("rent", 10_270, date(2025, 4, 7)),
    ]
    debits = weekly_debits(
        lines,
        tenancy_start=date(2024, 4, 1),
        tenancy_end=None,
        first=date(2025, 3, 10),
        last=date(2025, 4, 20),
        rule=RentFreeRule(),
    )
    assert [(d.week, d.amount) for d in debits] == [
        (date(2025, 3, 10), 10_000),
        (date(2025, 3, 17), 10_000),
        (date(2025, 3, 24), 10_000),
        (date(2025, 3, 31), 10_000),
        (date(2025, 4, 7), 10_270),
        (date(2025, 4, 14), 10_270),
    ]


def test_a_tenancy_starting_mid_week_pays_for_its_days_only():
    debits = weekly_debits(
        [ChargeLineValue("rent", 7_000, date(2025, 4, 7))],
        tenancy_start=date(2025, 4, 10),  # a Thursday: 4 days of the week
        tenancy_end=date(2025, 4, 22),  # a Tuesday: 2 days of the week
        first=date(2025, 4, 1),
        last=date(2025, 5, 1),
        rule=RentFreeRule(),
    )
    assert [d.amount for d in debits] == [4_000, 7_000, 2_000]


@given(
    st.integers(min_value=2000, max_value=2080),
    st.integers(min_value=0, max_value=100_000),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
)
def test_a_rent_year_debits_weekly_charge_times_collection_weeks(year, weekly, xmas, end):
    rule = RentFreeRule(christmas=xmas, year_end=end)
    ry = rent_year(year, rule)
    debits = weekly_debits(
        [ChargeLineValue("rent", weekly, ry.start - timedelta(days=700))],
        tenancy_start=ry.start - timedelta(days=700),
        tenancy_end=None,
        first=ry.start,
        last=ry.end,
        rule=rule,
    )
    assert sum(d.amount for d in debits) == weekly * ry.collection_weeks
    assert len({d.week for d in debits}) == (ry.collection_weeks if weekly else 0)
