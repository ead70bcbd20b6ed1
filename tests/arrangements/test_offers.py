"""The affordability rules for a tenant's offer: one test per rule code, and properties."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rentbook.arrangements import offers
from rentbook.arrangements.schedules import Frequency, Rule, add_months

FIRST = date(2027, 1, 4)  # a Monday
WEEKLY = Rule(Frequency.WEEKLY, weekday=0)


def check(instalment: int, *, arrears: int = 60_000, surplus: int = 40_000, rule=WEEKLY):  # type: ignore[no-untyped-def]
    return offers.check_offer(
        arrears=arrears, weekly_charge=10_000, surplus_monthly=surplus, rule=rule,
        instalment=instalment, first_payment=FIRST, max_months=24,
    )  # fmt: skip


def codes(o: offers.Offer) -> list[str]:
    return [f.code for f in o.findings]


def test_an_offer_within_every_rule_has_no_findings():
    o = check(2_000)
    assert o.meets_rules and o.per_payment == 12_000 and o.payments == 30
    assert o.clears_on == date(2027, 7, 26)


def test_nothing_owed():
    assert codes(check(1_000, arrears=0)) == [offers.NOTHING_OWED]


def test_no_instalment():
    o = check(0)
    assert codes(o) == [offers.NO_INSTALMENT]
    assert "£100.00 a week" in o.findings[0].words


def test_too_long():
    o = check(100)
    assert codes(o) == [offers.TOO_LONG]
    assert o.least_within_limit == 577  # £600 over 104 weeks, rounded up
    assert "at least £5.77 a week" in o.findings[0].words


def test_above_surplus():
    o = check(20_000, surplus=10_000)
    assert codes(o) == [offers.ABOVE_SURPLUS]
    assert "£100.00 a month" in o.findings[0].words and "£23.07 a week" in o.findings[0].words


def test_no_surplus():
    assert offers.NO_SURPLUS in codes(check(2_000, surplus=-5_000))


def test_bad_terms():
    assert codes(check(1, arrears=10_000_000)) == [offers.BAD_TERMS]


def test_a_monthly_offer_is_checked_in_months():
    o = check(10_000, rule=Rule(Frequency.MONTHLY, day_of_month=4))
    assert o.meets_rules and o.payments == 6 and o.ongoing_charge == 43_334


@given(
    arrears=st.integers(1, 2_000_000),
    frequency=st.sampled_from([Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.FOUR_WEEKLY,
                               Frequency.MONTHLY]),
)  # fmt: skip
def test_the_least_offer_within_the_limit_clears_in_time_and_one_penny_less_may_not(
    arrears, frequency
):
    rule = (
        Rule(frequency, day_of_month=4)
        if frequency == Frequency.MONTHLY
        else Rule(frequency, weekday=0)
    )
    least = offers.least_to_clear(arrears, frequency, 24)
    o = offers.check_offer(
        arrears=arrears, weekly_charge=0, surplus_monthly=10**9, rule=rule, instalment=least,
        first_payment=FIRST, max_months=24,
    )  # fmt: skip
    assert o.meets_rules, o.findings
    assert o.clears_on is not None and o.clears_on <= add_months(FIRST, 24)
    # the payments add up to exactly what is owed
    assert least * (o.payments - 1) < arrears <= least * o.payments
