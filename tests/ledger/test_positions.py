"""Checkpoints: the run's facts read from a checkpoint plus recent rows equal the facts read
from the whole history, however the ledger looks and whenever back-dated rows arrive."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.engine.features import Source, build_features
from rentbook.ledger import positions
from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import AccountCheckpoint, Checkpoint, Kind
from rentbook.ledger.positions import checkpoint_date, checkpoints_before, refresh_checkpoints
from tests.factories import make_account, post

pytestmark = pytest.mark.django_db

START = date(2025, 1, 6)  # a Monday
AS_OF = START + timedelta(days=200)
METHODS = ["card", "direct_debit", "housing_benefit", "universal_credit", "dhp", "cash"]

txn = st.tuples(
    st.integers(0, 205),  # day
    st.sampled_from(["charge", "payment", "payment", "adjustment"]),
    st.sampled_from(METHODS),
    st.integers(1, 60_000),
    st.one_of(st.none(), st.integers(7, 120)),  # a credit's period, in days
)
account = st.fixed_dictionaries(
    {
        "benefit": st.sampled_from(
            ["none", "housing_benefit", "universal_credit", "universal_credit_managed"]
        ),
        "payment_method": st.sampled_from(["card", "direct_debit"]),
        "rows": st.lists(txn, max_size=40),
        "late": st.lists(txn, max_size=5),
    }
)


def _post(acc, row) -> None:  # type: ignore[no-untyped-def]
    day, kind, method, amount, period = row
    on = START + timedelta(days=day)
    if kind == "charge":
        post(acc, on, amount, kind=Kind.CHARGE)
    elif kind == "adjustment":
        post(acc, on, amount - 30_000, kind=Kind.ADJUSTMENT)
    else:
        extra = {}
        if period is not None:
            extra = {"period_start": on - timedelta(days=period), "period_end": on}
        post(acc, on, -amount, method=method, **extra)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.columns == b.columns
    for name in a.columns:
        assert a[name].to_list() == b[name].to_list(), name


class Rollback(Exception):
    pass


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    accounts=st.lists(account, min_size=1, max_size=3),
    weeks_before=st.integers(1, 25),
    later_weeks=st.integers(0, 3),
)
def test_checkpoint_plus_recent_rows_equals_the_whole_history(accounts, weeks_before, later_weeks):
    try:
        with transaction.atomic():
            made = []
            for spec in accounts:
                acc = make_account(
                    start=START, benefit=spec["benefit"], payment_method=spec["payment_method"]
                )
                for row in spec["rows"]:
                    _post(acc, row)
                made.append((acc, spec))
            sunday = week_start(AS_OF) - timedelta(weeks=weeks_before, days=1)
            first = refresh_checkpoints(sunday)
            # back-dated rows arrive after the checkpoint was made
            for acc, spec in made:
                for row in spec["late"]:
                    _post(acc, (min(row[0], (sunday - START).days), *row[1:]))
            whole = build_features(AS_OF)
            # reading the rows it lacks by a range of ids, and account by account
            for share in (1.0, 0.0):
                positions.ID_RANGE_SHARE = share
                try:
                    _same(build_features(AS_OF, Source(first)), whole)
                finally:
                    positions.ID_RANGE_SHARE = 0.2
            # folding forward gives the same as rebuilding, and the same facts again
            later = sunday + timedelta(weeks=min(later_weeks, weeks_before - 1))
            folded = refresh_checkpoints(later)
            _same(build_features(AS_OF, Source(folded)), whole)
            rebuilt = refresh_checkpoints(later, rebuild=True)
            _same(build_features(AS_OF, Source(rebuilt)), whole)
            raise Rollback
    except Rollback:
        pass


def test_a_checkpoint_is_made_at_the_end_of_a_rent_week():
    assert checkpoint_date(date(2025, 6, 18)) == date(2025, 6, 15)
    with pytest.raises(ValueError):
        refresh_checkpoints(date(2025, 6, 18))


def test_refreshing_twice_with_nothing_new_keeps_the_checkpoint_and_keeps_four():
    acc = make_account(start=START)
    post(acc, START, 10_000, kind=Kind.CHARGE)
    first = refresh_checkpoints(date(2025, 3, 2))
    assert refresh_checkpoints(date(2025, 3, 2)).pk == first.pk
    for k in range(1, 6):
        refresh_checkpoints(date(2025, 3, 2) + timedelta(weeks=k))
    assert Checkpoint.objects.count() == 4
    assert checkpoints_before(date(2025, 3, 17)).as_at == date(2025, 3, 16)
    row = AccountCheckpoint.objects.get(checkpoint=checkpoints_before(date(2025, 6, 1)))
    assert row.balance == 10_000


def test_a_transactions_import_refreshes_the_checkpoint(tmp_path):
    from rentbook.imports.services import import_file

    acc = make_account(start=START)
    path = tmp_path / "t.csv"
    path.write_text(
        "transaction_ref,tenancy_ref,posted_on,kind,amount\n"
        f"r1,{acc.reference},2025-02-03,charge,100.00\n"
    )
    from datetime import UTC, datetime

    result = import_file("transactions", path, now=lambda: datetime(2025, 2, 12, 9, tzinfo=UTC))
    assert result.rows_posted == 1
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.as_at == date(2025, 2, 9)
    assert AccountCheckpoint.objects.get(checkpoint=checkpoint, account=acc).balance == 10_000
