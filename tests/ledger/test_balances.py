from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.ledger.balances import (
    GRACE_DAYS,
    ExpectedCredit,
    RegularCredit,
    account_position,
    pending,
    technical_arrears,
)
from rentbook.ledger.models import Kind
from tests.factories import make_account, post


def test_nothing_is_pending_from_a_stream_that_has_stopped():
    credit = RegularCredit(40_000, date(2025, 1, 6), date(2024, 12, 9), date(2025, 1, 5))
    assert pending(credit, 30_000, date(2025, 1, 20)) == 30_000
    assert pending(credit, 30_000, date(2025, 3, 1)) == 0
    assert pending(None, 30_000, date(2025, 1, 20)) == 0


def test_pending_is_at_most_what_the_stream_last_paid():
    credit = RegularCredit(20_000, date(2025, 1, 6), None, None)
    assert pending(credit, 50_000, date(2025, 1, 10)) == 20_000


def test_a_late_payment_the_payer_listed_is_on_its_way_with_the_weeks_after_its_period():
    # paid 15 October for September to 10 October; the line for 11 October to 10 November
    # (£400) is expected 27 November: it is coming, and the next one will pay the weeks since
    last = RegularCredit(40_000, date(2026, 10, 15), date(2026, 9, 11), date(2026, 10, 10))
    coming = ExpectedCredit(date(2026, 11, 27), date(2026, 11, 10), 40_000, 40_000)
    as_of = date(2026, 11, 30)
    assert pending(last, 70_000, as_of) == 0, "overdue on its cycle"
    assert pending(last, 70_000, as_of, coming, 30_000) == 40_000 + 30_000
    assert pending(last, 70_000, as_of, coming, 90_000) == 40_000 + 40_000
    after_grace = date(2026, 11, 27) + timedelta(days=GRACE_DAYS + 1)
    assert pending(last, 70_000, after_grace, coming, 30_000) == 0


@given(st.integers(-(10**7), 10**7), st.lists(st.integers(0, 10**6), max_size=3))
def test_technical_arrears_are_never_more_than_the_arrears(balance, pendings):
    t = technical_arrears(balance, pendings)
    assert 0 <= t <= max(balance, 0)
    assert t <= sum(pendings)


@pytest.mark.django_db
def test_housing_benefit_paid_four_weekly_in_arrears_is_technical_not_true_arrears():
    account = make_account(benefit="housing_benefit", weekly_rent=10_000)
    for monday in (date(2025, 4, 7), date(2025, 4, 14), date(2025, 4, 21), date(2025, 4, 28)):
        post(account, monday, 10_000, kind=Kind.CHARGE)
    # HB for the four weeks before, paid on 5 May; the four weeks since are still to come.
    for monday in (date(2025, 5, 5), date(2025, 5, 12), date(2025, 5, 19), date(2025, 5, 26)):
        post(account, monday, 10_000, kind=Kind.CHARGE)
    post(
        account,
        date(2025, 5, 5),
        -40_000,
        method="housing_benefit",
        period_start=date(2025, 4, 7),
        period_end=date(2025, 5, 4),
    )
    position = account_position(account, date(2025, 5, 28))
    assert position.balance == 40_000
    assert position.technical_arrears == 40_000
    assert position.true_arrears == 0
    assert position.weeks_in_arrears == 4.0
    # Six weeks on with no HB: it has stopped, and the arrears are real.
    assert account_position(account, date(2025, 6, 30)).technical_arrears == 0


@pytest.mark.django_db
def test_a_direct_debit_collected_after_the_rent_week_starts_makes_technical_arrears():
    account = make_account(payment_method="direct_debit", weekly_rent=10_000)
    post(account, date(2025, 4, 7), 10_000, kind=Kind.CHARGE)
    post(account, date(2025, 4, 14), 10_000, kind=Kind.CHARGE)
    post(account, date(2025, 4, 15), -20_000, method="direct_debit")
    post(account, date(2025, 4, 21), 10_000, kind=Kind.CHARGE)
    post(account, date(2025, 4, 28), 10_000, kind=Kind.CHARGE)
    position = account_position(account, date(2025, 4, 30))
    assert position.balance == 20_000
    assert position.technical_arrears == 20_000
    assert position.last_payment_amount == 20_000
    assert position.last_payment_on == date(2025, 4, 15)


@pytest.mark.django_db
def test_a_card_payer_has_no_technical_arrears_and_weeks_use_the_current_charge():
    account = make_account(weekly_rent=12_000)
    post(account, date(2025, 4, 7), 36_000, kind=Kind.ADJUSTMENT)
    position = account_position(account, date(2025, 4, 30))
    assert position.technical_arrears == 0
    assert position.true_arrears == 36_000
    assert position.weekly_charge == 12_000
    assert position.weeks_in_arrears == 3.0
    assert position.charges == [("rent", "", 12_000)]
