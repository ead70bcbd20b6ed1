"""paid_in_windows reads running totals at both ends of each instalment's window: it must
equal pairing every instalment with every payment of its account (the way it was written
first, and too slow at 100,000 tenancies)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rentbook.performance.indicators import paid_in_windows

D0 = date(2026, 4, 6)
days = st.integers(0, 60).map(lambda n: D0 + timedelta(days=n))
dues = st.lists(st.tuples(st.integers(1, 3), days, st.integers(0, 50_000)), max_size=30)
pays = st.lists(st.tuples(st.integers(1, 3), days, st.integers(-5_000, 50_000)), max_size=40)


def brute(due, paid):  # type: ignore[no-untyped-def]
    out = []
    for account, day, promised in due:
        got = sum(
            amount
            for a, on, amount in paid
            if a == account and day - timedelta(days=7) < on <= day + timedelta(days=3)
        )
        out.append((account, promised, got))
    return out


@settings(max_examples=200, deadline=None)
@given(due=dues, paid=pays)
def test_the_same_as_pairing_each_instalment_with_each_payment(due, paid):
    due_f = pl.DataFrame(
        due, schema={"account_id": pl.Int64, "day": pl.Date, "promised": pl.Int64}, orient="row"
    )
    paid_f = pl.DataFrame(
        paid, schema={"account_id": pl.Int64, "posted_on": pl.Date, "paid": pl.Int64}, orient="row"
    )
    got = paid_in_windows(due_f, paid_f).rows()
    assert got == brute(due, paid)
