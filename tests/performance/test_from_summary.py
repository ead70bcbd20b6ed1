"""The indicators read from the ledger summary equal the indicators read from the raw
transactions, for any period boundary, with rows arriving after the summary was made."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.ledger import summary
from rentbook.ledger.models import Kind
from rentbook.performance import indicators as ind
from rentbook.performance.indicators import Period, Scope
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2024, 2, 14)  # a Wednesday
DAYS = 240
METHODS = ["card", "direct_debit", "housing_benefit", "universal_credit", "dhp"]

row = st.tuples(
    st.integers(0, DAYS),
    st.sampled_from(["charge", "charge", "payment", "payment", "refund", "write_off"]),
    st.sampled_from(METHODS),
    st.integers(1, 40_000),
    st.one_of(st.none(), st.integers(7, 28)),
)
tenancy = st.fixed_dictionaries(
    {
        "ends": st.one_of(st.none(), st.integers(0, DAYS)),
        "benefit": st.sampled_from(["none", "housing_benefit", "universal_credit_managed"]),
        "payment_method": st.sampled_from(["card", "direct_debit"]),
        "rows": st.lists(row, max_size=25),
        "late": st.lists(row, max_size=4),
    }
)


def _post(acc, r) -> None:  # type: ignore[no-untyped-def]
    day, kind, method, amount, cover = r
    on = START + timedelta(days=day)
    if kind in ("charge", "refund"):
        post(acc, on, amount, kind=kind)
    elif kind == "write_off":
        post(acc, on, -amount, kind=Kind.WRITE_OFF)
    else:
        extra = {"period_start": on - timedelta(days=cover), "period_end": on} if cover else {}
        post(acc, on, -amount, method=method, **extra)


def _raw(start: date, end: date, columns: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return summary.period_sums_raw(start, end).select("account_id", "opening", "closing", *columns)


class Rollback(Exception):
    pass


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    tenancies=st.lists(tenancy, min_size=1, max_size=4),
    first=st.integers(0, DAYS),
    length=st.integers(0, DAYS),
)
def test_every_indicator_from_the_summary_equals_it_from_the_raw_ledger(
    tenancies, first, length, monkeypatch
):
    try:
        with transaction.atomic():
            made = []
            for spec in tenancies:
                ends = None if spec["ends"] is None else START + timedelta(days=spec["ends"])
                acc = make_account(
                    start=START, end=ends, benefit=spec["benefit"],
                    payment_method=spec["payment_method"],
                )  # fmt: skip
                for r in spec["rows"]:
                    _post(acc, r)
                made.append((acc, spec))
            summary.refresh()
            for acc, spec in made:
                for r in spec["late"]:
                    _post(acc, r)
            start = START + timedelta(days=first)
            period = Period(start, start + timedelta(days=length))
            from_summary = ind.compute(ind.load(period), Scope.landlord())
            with monkeypatch.context() as m:
                m.setattr(ind, "period_sums", _raw)
                m.setattr(ind, "last_credits", summary.last_credits_raw)
                from_raw = ind.compute(ind.load(period), Scope.landlord())
            assert from_summary == from_raw
            raise Rollback
    except Rollback:
        pass
