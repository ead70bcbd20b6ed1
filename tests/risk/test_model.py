"""The risk model's measures and its guarantees: the backtest never learns from a day whose
outcome was not over by T, the AUC is the rank statistic, the constraints hold, and the reasons
are the same every time for a fixed model."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rentbook.risk import model
from rentbook.risk.features import FEATURES, HORIZON_DAYS, NAMES, from_snapshot, matrix
from rentbook.risk.services import Snapshots, evaluate_at, training_days


@given(st.dates(date(2015, 1, 1), date(2030, 1, 1)), st.integers(1, 30))
def test_a_model_at_t_learns_only_from_outcomes_over_by_t(t, n):
    days = training_days(t, n)
    assert len(days) == n == len(set(days))
    assert all(d + timedelta(days=HORIZON_DAYS) <= t for d in days)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 5)), min_size=2, max_size=40))
def test_the_auc_is_the_chance_a_case_outranks_a_non_case(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs], dtype=float)
    if len(set(y)) < 2:
        return
    pos, neg = s[y == 1], s[y == 0]
    brute = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg])
    assert abs(model.auc(y, s) - brute) < 1e-12


def test_contacts_to_reach_counts_down_the_order():
    y = np.array([0, 1, 0, 1, 1])
    assert model.contacts_to_reach(y, np.array([5, 4, 3, 2, 1]), 0.8) == 5
    assert model.contacts_to_reach(y, np.array([1, 5, 0, 4, 3]), 0.8) == 3
    assert model.contacts_to_reach(np.zeros(3, dtype=int), np.arange(3)) == 0


def _synthetic(n: int = 3000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.zeros((n, len(FEATURES)))
    idx = {f: i for i, f in enumerate(NAMES)}
    x[:, idx["weeks_owed"]] = rng.gamma(1.5, 2.0, n)
    x[:, idx["missed_4"]] = rng.integers(0, 5, n)
    x[:, idx["days_since_payment"]] = rng.integers(0, 90, n)
    logit = -3 + 0.4 * x[:, idx["weeks_owed"]] + 0.6 * x[:, idx["missed_4"]]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y


def test_more_weeks_owed_never_lowers_a_score_and_reasons_are_fixed():
    x, y = _synthetic()
    booster = model.train(x, y, rounds=60)
    grid = np.repeat(x[:1], 30, axis=0)
    col = NAMES.index("weeks_owed")
    grid[:, col] = np.linspace(0, 20, 30)
    s = model.scores(booster, grid)
    assert np.all(np.diff(s) >= -1e-12)  # the monotone constraint holds
    again = model.train(x, y, rounds=60)  # the same history trains the same model
    assert booster.model_to_string() == again.model_to_string()
    first = model.reasons(booster, x[:20])
    assert first == model.reasons(model.load(booster.model_to_string()), x[:20])
    assert all(r.words and r.contribution > 0 for rs in first for r in rs)
    # the riskiest accounts are explained by what drives the outcome
    riskiest = np.argsort(-model.scores(booster, x), kind="mergesort")[:5]
    for rs in model.reasons(booster, x[riskiest]):
        assert rs and rs[0].feature in ("weeks_owed", "missed_4"), rs


def _fake_snapshot(day: date, accounts: int = 1500) -> pl.DataFrame:
    """A run snapshot with the columns the features read: each account's arrears drift at a
    rate of its own, which its missed payments show."""
    rng = np.random.default_rng(day.toordinal())
    ids = np.arange(1, accounts + 1)
    rate = np.random.default_rng(1).gamma(0.6, 2_000, accounts)  # pence a week, per account
    weeks = (day - date(2025, 1, 5)).days / 7
    arrears = (rate * weeks + rng.normal(0, 3_000, accounts)).clip(0).astype(np.int64)
    missed = np.minimum(4, rng.poisson(rate / 2_000)).astype(np.int64)
    start = datetime(2020, 1, 6)
    return pl.DataFrame({
        "account_id": ids, "true_arrears": arrears, "weekly_charge": np.full(accounts, 10_000),
        "missed_payments_4_weeks": missed, "missed_payments_13_weeks": missed * 3,
        "missed_payments_consecutive": missed, "days_since_last_payment": missed * 7,
        "arrears_trend": (rate * 4).astype(np.int64), "tenancy_start": [start] * accounts,
        "benefit": ["none"] * accounts, "payment_method": ["card"] * accounts,
        "arrangement_breaches": np.zeros(accounts, dtype=np.int64),
        "arrangement_state": [None] * accounts, "dd_returned": [None] * accounts,
        "hb_shortfall": np.zeros(accounts, dtype=np.int64),
    }, schema_overrides={"dd_returned": pl.Datetime("us"),
                         "arrangement_state": pl.String})  # fmt: skip


def test_the_backtest_never_reads_a_day_after_the_outcome_window():
    asked: list[date] = []

    def build(day: date) -> pl.DataFrame:
        asked.append(day)
        return _fake_snapshot(day)

    t = date(2026, 6, 1)
    result = evaluate_at(Snapshots(build), t, snapshots=4)
    assert max(asked) == t + timedelta(days=HORIZON_DAYS)  # the outcome of t, nothing later
    assert all(d <= t for d in asked if d != t + timedelta(days=HORIZON_DAYS))
    assert result["accounts"] == 1500 and 0.5 < result["auc"] <= 1.0


def test_features_come_from_the_snapshot():
    f = from_snapshot(_fake_snapshot(date(2026, 6, 1)), date(2026, 6, 1))
    assert matrix(f).shape == (1500, len(FEATURES))
    row = f.row(0, named=True)
    assert row["weeks_owed"] == row["true_arrears"] / 10_000
    assert row["month"] == 6.0 and round(row["tenancy_years"]) == 6


def test_a_trained_model_is_kept_versioned(db):
    from rentbook.risk.models import RiskModel
    from rentbook.risk.services import TARGET, train_and_store

    first = train_and_store(date(2026, 6, 1), 3, Snapshots(_fake_snapshot))
    second = train_and_store(date(2026, 7, 1), 3, Snapshots(_fake_snapshot))
    assert (first.version, second.version) == (1, 2) and first.target == TARGET
    assert first.features == list(NAMES) and first.rows == 3 * 1500
    kept = model.load(RiskModel.objects.get(pk=first.pk).booster)
    x = matrix(from_snapshot(_fake_snapshot(date(2026, 6, 1)), date(2026, 6, 1)))
    assert np.array_equal(model.scores(kept, x), model.scores(model.load(first.booster), x))


def test_training_with_no_history_is_refused_in_words(db):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="training needs accounts"):
        call_command("risk_train", through="2026-06-01", snapshots=2)
