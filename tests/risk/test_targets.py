"""Each target scores only the accounts it covers, reads its outcome from its own window after
T and nothing later, and the backtest reports every target per group and against the policy."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.policy.loader import load_policy
from rentbook.risk.features import from_snapshot
from rentbook.risk.report import as_markdown
from rentbook.risk.services import Snapshots, backtest, evaluate_at, training_days
from rentbook.risk.targets import ARRANGEMENT, ARREARS, NOTICE, START, TARGETS
from tests.risk.test_model import _fake_snapshot


@given(st.dates(date(2015, 1, 1), date(2030, 1, 1)), st.integers(1, 30), st.sampled_from(TARGETS))
def test_every_target_learns_only_from_outcomes_over_by_t(t, n, target):
    days = training_days(t, n, target.horizon_days)
    assert len(days) == n == len(set(days))
    assert all(d + timedelta(days=target.horizon_days) <= t for d in days)
    assert all((t - d).days % 28 == 0 for d in days)  # on the run's own grid, shared


def _frame(rows: list[dict]) -> pl.DataFrame:
    base = {
        "true_arrears": 0, "weekly_charge": 10_000, "missed_payments_4_weeks": 0,
        "missed_payments_13_weeks": 0, "missed_payments_consecutive": 0,
        "days_since_last_payment": 3, "arrears_trend": 0, "tenancy_start": date(2020, 1, 6),
        "benefit": "none", "payment_method": "card", "arrangement_breaches": 0,
        "arrangement_state": None, "arrangement_start": None, "notice_served": None,
        "dd_returned": None, "hb_shortfall": 0,
    }  # fmt: skip
    return pl.DataFrame(
        [{**base, **r} for r in rows],
        schema_overrides={"dd_returned": pl.Datetime("us"), "arrangement_state": pl.String,
                          "arrangement_start": pl.Date, "notice_served": pl.Date},
    )  # fmt: skip


T = date(2026, 6, 1)


def _outcome(target, at_rows, later_rows=None, served=()):
    at = from_snapshot(_frame(at_rows), T)
    at = at.filter(target.eligible(at, T))
    later = from_snapshot(_frame(later_rows), T) if later_rows is not None else None
    windows = []

    def notices(a, b):
        windows.append((a, b))
        return pl.DataFrame({"account_id": list(served)}, schema={"account_id": pl.Int64})

    out = target.outcome(at, later, notices, T)
    return dict(out.select("account_id", "y").iter_rows()), windows


def test_an_arrangement_breaks_when_breached_breached_again_or_replaced():
    start = date(2026, 3, 2)
    live = {"arrangement_state": "live", "arrangement_start": start, "arrangement_breaches": 1}
    at = [{"account_id": i, **live} for i in range(1, 6)] + [{"account_id": 6}]  # 6: none
    later = [
        {"account_id": 1, **live},  # still kept
        {"account_id": 2, **live, "arrangement_state": "breached"},
        {"account_id": 3, **live, "arrangement_breaches": 2},  # broken and restored
        {"account_id": 4, **live, "arrangement_start": date(2026, 7, 6)},  # renegotiated
        {"account_id": 5, **live, "arrangement_state": "completed"},
    ]
    y, _ = _outcome(ARRANGEMENT, at, later)
    assert y == {1: 0, 2: 1, 3: 1, 4: 1, 5: 0}  # 6 keeps no arrangement: not scored


def test_a_notice_outcome_is_read_from_its_13_weeks_only():
    at = [
        {"account_id": 1},
        {"account_id": 2, "notice_served": T - timedelta(days=30)},  # served this year: out
        {"account_id": 3, "notice_served": T - timedelta(days=400)},
    ]
    y, windows = _outcome(NOTICE, at, served=[3, 99])
    assert y == {1: 0, 3: 1}
    assert windows == [(T, T + timedelta(days=91))]


def test_the_start_score_covers_a_tenancy_in_its_first_four_weeks_and_reads_no_history():
    at = [
        {"account_id": 1, "tenancy_start": T - timedelta(days=10)},
        {"account_id": 2, "tenancy_start": T - timedelta(days=40)},
    ]
    later = [{"account_id": 1, "true_arrears": 25_000}, {"account_id": 2}]
    y, _ = _outcome(START, at, later)
    assert y == {1: 1}
    names = {f.name for f in START.features}
    assert not names & {"missed_13", "arrangement_breaches", "tenancy_years", "trend_weeks"}


def test_each_target_in_the_backtest_reads_nothing_after_its_window():
    snaps = Snapshots(_fake_snapshot, notices=lambda a, b: pl.DataFrame({"account_id": [1, 2]}))
    for target in (ARREARS, NOTICE):
        snaps.asked.clear()
        snaps._cache.clear()
        evaluate_at(snaps, T, 3, target)
        assert max(snaps.asked) <= T + timedelta(days=target.horizon_days)
        if not target.reads_later:
            assert max(snaps.asked) == T


@pytest.mark.django_db
def test_the_backtest_compares_with_the_policy_and_reports_each_group():
    snaps = Snapshots(_with_facts, policy=load_policy("england"))
    report = backtest(T, 2, 3, snaps, (ARREARS,))
    arrears = report["targets"][ARREARS.name]
    point = arrears["points"][-1]
    assert point["contacts_80pc_by_policy"] > 0 and "fewer_contacts_than_policy" in point
    assert {g["group"] for g in point["groups"]["tenancy_age"]} == {"5 years or more"}
    assert sum(g["accounts"] for g in point["groups"]["benefit"]) == point["accounts"]
    text = as_markdown({**report, "policy": "england"})
    assert "## arrears_grow_2_weeks_in_8" in text and "| support_needs | none recorded |" in text


def _with_facts(day: date) -> pl.DataFrame:
    """The fake snapshot with every policy fact the evaluator reads (nulls where unknown)."""
    from rentbook.policy.facts import SCHEMA

    f = _fake_snapshot(day)
    missing = [pl.lit(None, dtype=t).alias(n) for n, t in SCHEMA.items() if n not in f.columns]
    f = f.with_columns(missing).with_columns(
        pl.col("true_arrears").alias("arrears"),
        pl.lit([], dtype=SCHEMA["flags"]).alias("flags"),
        pl.lit([], dtype=SCHEMA["actions"]).alias("actions"),
        pl.lit(1, dtype=pl.Int64).alias("patch_id"),
    )
    return f.with_columns(*[pl.col(n).cast(t) for n, t in SCHEMA.items()])


@pytest.mark.django_db
def test_snapshots_from_temporary_checkpoints_are_the_whole_history_ones():
    """prefetch() reads each day from a checkpoint folded forward from the last, as the run
    does; it must give exactly the whole-history snapshot, and leave the run's checkpoints."""
    from rentbook.engine.features import build_features
    from rentbook.ledger.models import Checkpoint, Kind
    from rentbook.ledger.positions import refresh_checkpoints
    from tests.factories import make_account, post

    start = date(2025, 1, 6)
    for k, (rent, paid) in enumerate([(10_000, 10_000), (12_000, 6_000), (9_000, 0)]):
        a = make_account(weekly_rent=rent, start=start, last_name=f"R{k}")
        for w in range(60):
            day = start + timedelta(weeks=w)
            post(a, day, rent, kind=Kind.CHARGE)
            if paid and w % 3:
                post(a, day + timedelta(days=2), -paid * 3 // 2)
    real = refresh_checkpoints(date(2026, 2, 22))
    days = [date(2025, 6, 1), date(2025, 6, 29), date(2025, 8, 24), date(2026, 3, 1)]
    fed = Snapshots()
    fed.prefetch(days)
    whole = Snapshots(lambda d: build_features(d))
    for d in days:
        assert fed(d).equals(whole(d)), d
        assert fed(d).height == 3
    assert list(Checkpoint.objects.values_list("pk", flat=True)) == [real.pk]
