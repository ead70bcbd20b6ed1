from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Kind, LedgerIsAppendOnly, Transaction
from rentbook.ledger.statements import account_statement, weekly_balances
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

entries = st.lists(
    st.tuples(
        st.dates(min_value=date(2024, 4, 1), max_value=date(2026, 3, 31)),
        st.integers(min_value=-500_000, max_value=500_000).filter(bool),
    ),
    max_size=30,
)
db_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@db_settings
@given(entries)
def test_the_balance_equals_the_sum_of_transactions(rows):
    account = make_account()
    for day, amount in rows:
        kind = Kind.CHARGE if amount > 0 else Kind.PAYMENT
        post(account, day, amount, kind=kind)
    as_of = date(2026, 4, 1)
    total = sum(a for _, a in rows)
    assert account_position(account, as_of).balance == total
    statement = account_statement(account)
    assert statement.closing_balance == total
    if statement.lines:
        assert statement.lines[-1].balance == total


@db_settings
@given(entries, st.dates(min_value=date(2024, 4, 1), max_value=date(2026, 3, 31)))
def test_a_statement_from_any_date_opens_where_the_earlier_entries_leave_off(rows, start):
    account = make_account()
    for day, amount in rows:
        post(account, day, amount, kind=Kind.ADJUSTMENT)
    statement = account_statement(account, start=start)
    assert statement.opening_balance == sum(a for d, a in rows if d < start)
    assert statement.closing_balance == sum(a for _, a in rows)
    assert all(line.posted_on >= start for line in statement.lines)


@db_settings
@given(entries, st.data())
def test_a_reversal_restores_the_balance(rows, data):
    account = make_account()
    posted = [post(account, d, a, kind=Kind.ADJUSTMENT) for d, a in rows]
    before = account_position(account, date(2027, 1, 1)).balance
    if not posted:
        return
    target = data.draw(st.sampled_from(posted))
    post(account, target.posted_on, -target.amount, kind=Kind.REVERSAL)
    after = account_position(account, date(2027, 1, 1)).balance
    assert after == before - target.amount


def test_posted_transactions_cannot_be_changed_or_deleted():
    account = make_account()
    txn = post(account, date(2025, 4, 7), 10_000, kind=Kind.CHARGE)
    txn.amount = 1
    with pytest.raises(LedgerIsAppendOnly):
        txn.save()
    with pytest.raises(LedgerIsAppendOnly):
        txn.delete()
    assert Transaction.objects.get(pk=txn.pk).amount == 10_000


def test_a_statement_prints_charges_before_credits_on_the_same_day():
    account = make_account()
    post(account, date(2025, 4, 7), -5_000, method="cash")
    post(account, date(2025, 4, 7), 10_000, kind=Kind.CHARGE)
    lines = account_statement(account).lines
    assert [(x.description, x.debit, x.credit, x.balance) for x in lines] == [
        ("Rent", 10_000, 0, 10_000),
        ("Payment: Cash at the office", 0, 5_000, 5_000),
    ]


def test_weekly_balances_close_each_rent_week_on_sunday():
    account = make_account()
    post(account, date(2025, 4, 7), 10_000, kind=Kind.CHARGE)
    post(account, date(2025, 4, 14), 10_000, kind=Kind.CHARGE)
    post(account, date(2025, 4, 16), -15_000, method="card")
    series = weekly_balances(account, start=date(2025, 4, 7), end=date(2025, 4, 27))
    assert series == [
        (date(2025, 4, 13), 10_000),
        (date(2025, 4, 20), 5_000),
        (date(2025, 4, 27), 5_000),
    ]
    assert all(d.weekday() == 6 for d, _ in series)
    assert series[0][0] - timedelta(days=6) == date(2025, 4, 7)
