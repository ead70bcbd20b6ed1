"""The ledger summary: a period's balances and sums by kind read from the rent months, their
partial edges and the rows above the watermark equal those read from the raw transactions,
for any period boundary and whenever rows (back-dated or not) arrive."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.ledger import summary
from rentbook.ledger.models import KIND_SIGN, AccountMonth, AccountTotal, Kind, LedgerSummary
from rentbook.ledger.summary import month_span, period_sums, period_sums_raw, refresh, rent_month
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2024, 3, 20)  # a Wednesday, so rent months and calendar months differ
DAYS = 200
METHODS = ["card", "direct_debit", "housing_benefit", "universal_credit", "dhp", "cash"]
KINDS = [k.value for k in Kind]

txn = st.tuples(
    st.integers(0, DAYS),
    st.sampled_from([*KINDS, "charge", "payment", "payment"]),
    st.sampled_from(METHODS),
    st.integers(1, 60_000),
    st.one_of(st.none(), st.integers(-20, 20)),  # a credit's cover ends this far from its day
)


def _post(acc, row) -> None:  # type: ignore[no-untyped-def]
    day, kind, method, amount, cover = row
    on = START + timedelta(days=day)
    # kinds that may go either way (adjustments, reversals) take both signs
    signed = KIND_SIGN[kind] * amount if KIND_SIGN[kind] else (amount - 30_000 or 1)
    extra = {}
    if kind == "payment" and cover is not None:
        ends = on + timedelta(days=cover)
        extra = {"period_start": ends - timedelta(days=13), "period_end": ends}
    post(acc, on, signed, kind=kind, method=method if kind == "payment" else "", **extra)


def _nonzero(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows with any non-zero figure, by account: an account with nothing to report may be
    present in one reading and absent in the other."""
    sums = [c for c in frame.columns if c != "account_id"]
    return frame.filter(pl.any_horizontal(pl.col(sums) != 0)).sort("account_id")


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    a, b = _nonzero(a), _nonzero(b)
    assert a.columns == b.columns
    for name in a.columns:
        assert a[name].to_list() == b[name].to_list(), name


def _same_credits(start: date, end: date, made) -> None:  # type: ignore[no-untyped-def]
    """The last credits as at either end of the period, kept or read from the ledger."""
    ids = [a.pk for a in made]
    for day in (start, end):
        for look_back in (timedelta(days=100), timedelta(days=20)):
            key = ["account_id", "method"]
            kept = summary.last_credits(day, ids, look_back).sort(key)
            raw = summary.last_credits_raw(day, ids, look_back).sort(key)
            assert kept.to_dicts() == raw.to_dicts()


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    accounts=st.lists(st.lists(txn, max_size=30), min_size=1, max_size=3),
    late=st.lists(st.tuples(st.integers(0, 2), txn), max_size=6),
    first=st.integers(-5, DAYS + 5),
    length=st.integers(0, DAYS),
)
def test_a_period_from_the_summary_equals_the_period_from_the_ledger(accounts, late, first, length):
    try:
        with transaction.atomic():
            made = []
            for rows in accounts:
                acc = make_account(start=START)
                for row in rows:
                    _post(acc, row)
                made.append(acc)
            refresh()
            # rows arriving after the refresh, back-dated or not, are read above the watermark
            for which, row in late:
                _post(made[which % len(made)], row)
            start = START + timedelta(days=first)
            end = start + timedelta(days=length)
            raw = period_sums_raw(start, end)
            _same(period_sums(start, end), raw)
            _same_credits(start, end, made)
            refresh()  # folded in: the same answer from the summary alone
            _same(period_sums(start, end), raw)
            _same_credits(start, end, made)
            refresh(rebuild=True)
            _same(period_sums(start, end), raw)
            _same_credits(start, end, made)
            some = ("payment", "benefit")
            _same(
                period_sums(start, end, some), raw.select("account_id", "opening", "closing", *some)
            )
            raise Rollback
    except Rollback:
        pass


def test_a_rent_month_is_the_weeks_whose_monday_is_in_the_month():
    assert rent_month(date(2026, 4, 5)) == date(2026, 3, 1)  # a Sunday: week of 30 March
    assert rent_month(date(2026, 4, 6)) == date(2026, 4, 1)
    assert month_span(date(2026, 4, 1)) == (date(2026, 4, 6), date(2026, 5, 3))
    assert month_span(date(2026, 10, 1)) == (date(2026, 10, 5), date(2026, 11, 1))


def test_refresh_folds_only_new_rows_and_keeps_the_watermark():
    acc = make_account(start=START)
    post(acc, date(2024, 4, 8), 10_000, kind=Kind.CHARGE)
    post(acc, date(2024, 4, 9), -4_000, method="card")
    state = refresh()
    assert state.through_id == max(t.pk for t in acc.transactions.all())
    row = AccountMonth.objects.get(account=acc)
    assert (row.month, row.charge, row.payment, row.first_on) == (
        date(2024, 4, 1),
        10_000,
        -4_000,
        date(2024, 4, 8),
    )
    post(acc, date(2024, 3, 31), -1_000, method="housing_benefit")  # back-dated: March
    refresh()
    refresh()  # nothing new: nothing counted twice
    assert AccountTotal.objects.get(account=acc).balance == 5_000
    march = AccountMonth.objects.get(account=acc, month=date(2024, 3, 1))
    assert (march.payment, march.benefit) == (-1_000, -1_000)
    assert LedgerSummary.objects.count() == 1


def test_the_summary_reads_no_raw_rows_for_a_period_on_rent_month_edges():
    sql = summary.period_sums_sql(date(2026, 4, 6), date(2026, 11, 1))
    assert sql.count("CROSS JOIN") == 0  # no partial months: only the rows above the watermark
    assert summary.period_sums_sql(date(2026, 4, 6), date(2026, 11, 23)).count("CROSS JOIN") == 1
