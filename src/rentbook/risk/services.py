"""Training on the landlord's own history and an honest, time-split backtest.

Snapshots are the arrears run's own (engine/features.build_features) on days 28 days apart;
an account's outcome at T is read from the snapshot 56 days later. A model used at T learns
only from days T' whose outcome was known by T (T' + 56 days <= T): ``training_days`` is the
one place that rule lives, and the backtest never reads a day after T + 56.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction

from rentbook.risk import features, model
from rentbook.risk.features import HORIZON_DAYS
from rentbook.risk.models import RiskModel

STEP_DAYS = 28
TARGET = "arrears_grow_2_weeks_in_8"
#: The team's weekly capacity for the precision and recall at capacity: a tenth of accounts.
CAPACITY_SHARE = 0.10


def training_days(t: date, snapshots: int) -> list[date]:
    """The days a model used at ``t`` learns from: each one's 56-day outcome is over by ``t``."""
    last = t - timedelta(days=HORIZON_DAYS)
    return sorted(last - timedelta(days=STEP_DAYS * k) for k in range(snapshots))


class Snapshots:
    """The run's snapshot of each day asked for, worked out once."""

    def __init__(self, build: Callable[[date], pl.DataFrame] | None = None) -> None:
        from rentbook.engine.features import build_features

        self.build = build or build_features
        self._cache: dict[date, pl.DataFrame] = {}

    def __call__(self, day: date) -> pl.DataFrame:
        if day not in self._cache:
            self._cache[day] = features.from_snapshot(self.build(day), day)
        return self._cache[day]

    def labelled(self, day: date) -> pl.DataFrame:
        """The day's features with each account's outcome 56 days on."""
        at = self(day)
        later = self(day + timedelta(days=HORIZON_DAYS))
        return at.join(features.outcome(at, later), on="account_id")


def _training_frame(snaps: Snapshots, days: list[date]) -> pl.DataFrame:
    return pl.concat([snaps.labelled(d) for d in days])


def fit(snaps: Snapshots, t: date, snapshots: int) -> tuple[Any, int]:
    frame = _training_frame(snaps, training_days(t, snapshots))
    x, y = features.matrix(frame), frame.get_column("grew").to_numpy()
    return model.train(x, y), frame.height


def evaluate_at(snaps: Snapshots, t: date, snapshots: int) -> dict[str, Any]:
    """Train as of ``t``, score every open account at ``t``, and compare with what happened
    in the 56 days after."""
    booster, rows = fit(snaps, t, snapshots)
    test = snaps.labelled(t)
    x, y = features.matrix(test), test.get_column("grew").to_numpy()
    risk = model.scores(booster, x)
    balance = test.get_column("true_arrears").to_numpy().astype(np.float64)
    capacity = max(1, int(CAPACITY_SHARE * len(y)))
    top = np.argsort(-risk, kind="mergesort")[:capacity]
    by_risk = model.contacts_to_reach(y, risk)
    by_balance = model.contacts_to_reach(y, balance)
    return {
        "t": t.isoformat(),
        "trained_rows": rows,
        "accounts": len(y),
        "fell_behind": int(y.sum()),
        "auc": round(model.auc(y, risk), 4),
        "auc_by_balance": round(model.auc(y, balance), 4),
        "capacity": capacity,
        "precision_at_capacity": round(float(y[top].mean()), 4),
        "recall_at_capacity": round(float(y[top].sum() / max(1, y.sum())), 4),
        "contacts_80pc_by_risk": by_risk,
        "contacts_80pc_by_balance": by_balance,
        "fewer_contacts": round(1 - by_risk / by_balance, 4) if by_balance else None,
        "calibration": _calibration(y, risk),
    }


def _calibration(y: np.ndarray, risk: np.ndarray, bins: int = 5) -> list[list[float]]:
    """[mean score, share that fell behind, accounts] by fifths of the scores."""
    order = np.argsort(risk, kind="mergesort")
    out = []
    for part in np.array_split(order, bins):
        if len(part):
            out.append([round(float(risk[part].mean()), 4), round(float(y[part].mean()), 4),
                        len(part)])  # fmt: skip
    return out


def backtest(end: date, points: int, snapshots: int, snaps: Snapshots | None = None) -> dict:
    """Evaluate at ``points`` days 28 apart, the last whose outcome is known by ``end``."""
    snaps = snaps or Snapshots()
    last = end - timedelta(days=HORIZON_DAYS)
    ts = sorted(last - timedelta(days=STEP_DAYS * k) for k in range(points))
    results = [evaluate_at(snaps, t, snapshots) for t in ts]
    return {
        "target": TARGET,
        "points": results,
        "mean_auc": round(float(np.mean([r["auc"] for r in results])), 4),
        "mean_fewer_contacts": round(
            float(np.mean([r["fewer_contacts"] for r in results if r["fewer_contacts"]])), 4
        ),
    }


@transaction.atomic
def train_and_store(through: date, snapshots: int, snaps: Snapshots | None = None) -> RiskModel:
    """Train on the history up to ``through`` and keep the model, versioned."""
    snaps = snaps or Snapshots()
    started = time.perf_counter()
    booster, rows = fit(snaps, through, snapshots)
    version = (
        RiskModel.objects.filter(target=TARGET)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    return RiskModel.objects.create(
        target=TARGET,
        version=version,
        trained_through=through,
        features=list(features.NAMES),
        booster=booster.model_to_string(),
        rows=rows,
        seconds=round(time.perf_counter() - started, 2),
        evaluation={"snapshots": snapshots},
    )
