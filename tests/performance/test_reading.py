"""What the indicators read, read faster: the arrangements a period can hold are found in SQL
before scheduling (the same instalments as scheduling every arrangement), and the independent
reads run beside each other outside a transaction (the same data as one after another)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.arrangements.facts import payments_due
from rentbook.arrangements.models import Arrangement
from rentbook.performance import indicators as ind
from tests.factories import make_account, post
from tests.performance.ledger import PERIOD, build

D0 = date(2022, 1, 3)
FREQUENCIES = ["weekly", "fortnightly", "four_weekly", "monthly", "one_off"]
arrangements = st.lists(
    st.fixed_dictionaries(
        {
            "frequency": st.sampled_from(FREQUENCIES),
            "first": st.integers(0, 1000).map(lambda n: D0 + timedelta(days=n)),
            "instalment": st.integers(50, 20_000),
            "starting_balance": st.integers(1, 400_000),
            "lump_sum": st.sampled_from([0, 0, 5_000, 50_000]),
            "lump_days": st.integers(-30, 400),
            "day_of_month": st.one_of(st.none(), st.integers(1, 31)),
            "nth": st.sampled_from([None, None, 1, 3, -1]),
            "weekday": st.integers(0, 6),
            "cancel_days": st.one_of(st.none(), st.integers(0, 900)),
        }
    ),
    min_size=1,
    max_size=12,
)


def every_arrangements_instalments(period: ind.Period) -> pl.DataFrame:
    """The instalments due in the period from scheduling every arrangement, as before."""
    rows = list(
        Arrangement.objects.filter(start__lte=period.end)
        .exclude(cancelled_on__lte=period.start)
        .values(*(c for c in ind.ARRANGEMENT_SCHEMA))
    )
    if not rows:
        return pl.DataFrame(schema={"id": pl.Int64(), "day": pl.Date(), "amount": pl.Int64()})
    arr = pl.DataFrame(rows, schema=ind.ARRANGEMENT_SCHEMA)
    due = payments_due(arr.with_columns(tolerance_days=pl.lit(0, pl.Int64)), pl.lit(period.end))
    return due.filter(pl.col("day") >= period.start).select("id", "day", "amount")


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=arrangements)
def test_the_arrangements_found_in_sql_are_every_one_with_an_instalment_in_the_period(specs):
    Arrangement.objects.all().delete()
    account = make_account(start=D0)
    for s in specs:
        first = s["first"]
        monthly = s["frequency"] == "monthly"
        Arrangement.objects.create(
            account=account,
            frequency=s["frequency"],
            start=first,
            first_payment=first,
            instalment=s["instalment"],
            starting_balance=s["starting_balance"],
            lump_sum=s["lump_sum"],
            lump_sum_on=first + timedelta(days=s["lump_days"]) if s["lump_sum"] else None,
            day_of_month=s["day_of_month"] if monthly and s["nth"] is None else None,
            nth=s["nth"] if monthly else None,
            weekday=s["weekday"] if monthly and s["nth"] is not None else None,
            cancelled_on=(
                first + timedelta(days=s["cancel_days"]) if s["cancel_days"] is not None else None
            ),
            review_on=first + timedelta(days=90),
            payment_method="card",
        )
    for period in (ind.Period.year(2023), ind.Period.year(2024).to(date(2024, 11, 20))):
        found = ind.query_frame(ind._arrangements_sql(period), [], ind.ARRANGEMENT_SCHEMA)
        due = payments_due(
            found.with_columns(tolerance_days=pl.lit(0, pl.Int64)), pl.lit(period.end)
        )
        got = due.filter(pl.col("day") >= period.start).select("id", "day", "amount")
        want = every_arrangements_instalments(period)
        assert got.sort(pl.all()).rows() == want.sort(pl.all()).rows()


def _frames(data: ind.Data) -> dict[str, list]:
    names = ("accounts", "credits", "tenancies", "diary", "promises", "legal")
    return {n: getattr(data, n).sort(pl.all()).rows() for n in names}


@pytest.mark.django_db(transaction=True)
def test_the_reads_beside_each_other_give_what_the_reads_in_turn_give():
    build()
    paying = make_account(start=date(2024, 1, 1))
    post(paying, date(2024, 4, 1), 10_000, "charge")
    from django.db import connection, transaction

    assert not connection.in_atomic_block
    beside = ind.load(PERIOD)
    with transaction.atomic():  # inside a transaction: in turn, on this connection
        in_turn = ind.load(PERIOD)
    assert _frames(beside) == _frames(in_turn)
    assert beside.accounts.height >= 6 and beside.diary.height > 0
