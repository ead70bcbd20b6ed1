"""balances_on reads the summary plus what it has not read: it must equal summing every
transaction, whatever was posted before or after the summary's refresh, back-dated or not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.ledger import summary
from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Transaction
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2024, 4, 1)
rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which account
        st.integers(0, 400),  # days after START
        st.integers(-50_000, 50_000),  # pence
        st.booleans(),  # posted before the summary's refresh
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, day=st.integers(-10, 410))
def test_balances_on_equals_the_sum_of_every_transaction(rows, day):
    Transaction.objects.all().delete()
    accounts = [make_account() for _ in range(3)]
    for i, offset, amount, before in sorted(rows, key=lambda r: not r[3]):
        if not before:
            continue
        post(accounts[i], START + timedelta(days=offset), amount)
    summary.refresh()
    for i, offset, amount, before in rows:
        if not before:
            post(accounts[i], START + timedelta(days=offset), amount)
    as_of = START + timedelta(days=day)
    ids = [a.pk for a in accounts]
    want = {
        a: int(
            Transaction.objects.filter(account_id=a, posted_on__lte=as_of).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        for a in ids
    }
    assert balances_on(ids, as_of) == want
