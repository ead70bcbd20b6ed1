"""Training on the landlord's own history and an honest, time-split backtest.

Snapshots are the arrears run's own (engine/features.build_features) on days 28 days apart,
counted back from T; an account's outcome at a day is read from what happened in the target's
window after it (risk/targets.py). A model used at T learns only from days T' whose outcome was
over by T (T' + horizon <= T): ``training_days`` is the one place that rule lives, and the
backtest never reads a day after T + horizon.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction

from rentbook.policy.model import Policy
from rentbook.risk import features, model
from rentbook.risk.features import HORIZON_DAYS
from rentbook.risk.models import RiskModel
from rentbook.risk.targets import ARREARS, TARGETS, NoticesServed, Target

STEP_DAYS = 28
TARGET = ARREARS.name
#: The team's weekly capacity for the precision and recall at capacity: a tenth of accounts.
CAPACITY_SHARE = 0.10


def training_days(t: date, snapshots: int, horizon: int = HORIZON_DAYS) -> list[date]:
    """The days a model used at ``t`` learns from, 28 days apart counted back from ``t``:
    each one's outcome window is over by ``t``."""
    first = math.ceil(horizon / STEP_DAYS)
    return sorted(t - timedelta(days=STEP_DAYS * k) for k in range(first, first + snapshots))


def notices_served(start: date, end: date) -> pl.DataFrame:
    """The accounts served a notice after ``start``, up to and including ``end``."""
    from rentbook.legal.models import Notice

    ids = Notice.objects.filter(served_on__gt=start, served_on__lte=end).values_list(
        "account_id", flat=True
    )
    return pl.DataFrame({"account_id": list(ids)}, schema={"account_id": pl.Int64})


class Snapshots:
    """The run's snapshot of each day asked for, worked out once; with a policy, each account
    also carries the policy's own priority that day (what the run would have done)."""

    def __init__(
        self,
        build: Callable[[date], pl.DataFrame] | None = None,
        notices: NoticesServed | None = None,
        policy: Policy | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        from rentbook.engine.features import build_features

        #: the run's own reader, which prefetch() may feed from temporary checkpoints
        self.run_reader = build is None
        self.build = build or build_features
        self.notices = notices or notices_served
        self.policy = policy
        #: told of each day read, for a command's progress
        self.say = say or (lambda _: None)
        self._cache: dict[date, pl.DataFrame] = {}
        self.asked: list[date] = []

    def __call__(self, day: date) -> pl.DataFrame:
        if day not in self._cache:
            self._keep(day, self.build(day))
        return self._cache[day]

    def _keep(self, day: date, raw: pl.DataFrame) -> None:
        self.asked.append(day)
        frame = features.from_snapshot(raw, day)
        if self.policy is not None:
            frame = frame.join(_policy_order(self.policy, raw), on="account_id", how="left")
        self._cache[day] = frame

    def prefetch(self, days: list[date]) -> None:
        """Work out the snapshots of ``days`` oldest first, each from a ledger checkpoint
        folded forward from the one before, the way the weekly run reads: one pass over the
        years of history instead of one per day (a whole-history snapshot of 100,000
        accounts takes minutes). The checkpoints are temporary: rolled back, so the run's own
        are as they were."""
        todo = sorted(set(days) - set(self._cache))
        if not self.run_reader:
            for day in todo:
                self(day)
            return
        from rentbook.engine.features import Source, build_features
        from rentbook.ledger.positions import checkpoint_date, refresh_checkpoints

        with transaction.atomic():
            for n, day in enumerate(todo, 1):
                clock = time.perf_counter()
                checkpoint = refresh_checkpoints(checkpoint_date(day))
                self._keep(day, build_features(day, Source(checkpoint)))
                self.say(f"read {day} ({n} of {len(todo)}) in {time.perf_counter() - clock:.1f} s")
            transaction.set_rollback(True)

    def labelled(self, day: date, target: Target = ARREARS) -> pl.DataFrame:
        """The day's accounts the target scores, with each one's outcome ``y``."""
        at = self(day)
        at = at.filter(target.eligible(at, day))
        later = self(day + timedelta(days=target.horizon_days)) if target.reads_later else None
        return at.join(target.outcome(at, later, self.notices, day), on="account_id")


def _policy_order(policy: Policy, raw: pl.DataFrame) -> pl.DataFrame:
    """The order the policy's own recommendations put accounts in (the worktray's: priority
    high first, then balance high first) as one number, highest first."""
    from rentbook.policy.vectorised import VectorEvaluator

    decided = VectorEvaluator(policy).decide(raw)
    return decided.select(
        pl.col("account_id").cast(pl.Int64),
        policy_order=pl.col("priority").cast(pl.Float64) * 1e10
        + pl.col("arrears").fill_null(0).cast(pl.Float64).clip(-4e9, 4e9),
    )


def days_needed(t: date, snapshots: int, target: Target, *, scored_at_t: bool) -> list[date]:
    """Every snapshot a model at ``t`` reads: its training days, their outcome days and, when
    it is evaluated at ``t``, ``t`` and its outcome day."""
    days = training_days(t, snapshots, target.horizon_days)
    if scored_at_t:
        days.append(t)
    if target.reads_later:
        days += [d + timedelta(days=target.horizon_days) for d in days]
    return sorted(set(days))


def _training_frame(snaps: Snapshots, days: list[date], target: Target) -> pl.DataFrame:
    return pl.concat([snaps.labelled(d, target) for d in days])


def fit(snaps: Snapshots, t: date, snapshots: int, target: Target = ARREARS) -> tuple[Any, int]:
    snaps.prefetch(days_needed(t, snapshots, target, scored_at_t=False))
    frame = _training_frame(snaps, training_days(t, snapshots, target.horizon_days), target)
    x, y = features.matrix(frame, target.features), frame.get_column("y").to_numpy()
    return model.train(x, y, feats=target.features), frame.height


def _measures(y: np.ndarray, risk: np.ndarray) -> dict[str, Any]:
    both = 0 < int(y.sum()) < len(y)
    return {
        "accounts": len(y),
        "with_outcome": int(y.sum()),
        "auc": round(model.auc(y, risk), 4) if both else None,
        "contacts_80pc_by_risk": model.contacts_to_reach(y, risk),
    }


#: The groups the report is broken down by, so unequal performance is visible. Read for the
#: report only: support needs, patch and benefit are never features of any model.
GROUPS: dict[str, pl.Expr] = {
    "benefit": pl.when(pl.col("on_uc") > 0)
    .then(pl.lit("Universal Credit"))
    .when(pl.col("on_hb") > 0)
    .then(pl.lit("Housing Benefit"))
    .otherwise(pl.lit("no benefit")),
    "tenancy_age": pl.when(pl.col("tenancy_years") < 1)
    .then(pl.lit("under 1 year"))
    .when(pl.col("tenancy_years") < 5)
    .then(pl.lit("1 to 5 years"))
    .otherwise(pl.lit("5 years or more")),
    "support_needs": pl.when(
        pl.col("flags").list.set_intersection(pl.lit(["vulnerable", "mental_health_crisis"]))
        .list.len().fill_null(0) > 0
    )
    .then(pl.lit("recorded support need"))
    .otherwise(pl.lit("none recorded")),
    "patch": pl.col("patch_id").cast(pl.String).fill_null("none"),
}  # fmt: skip


def _by_group(test: pl.DataFrame, y: np.ndarray, risk: np.ndarray) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    labels = test.select(**GROUPS)
    for name in GROUPS:
        col = labels.get_column(name).to_numpy()
        rows = []
        for value in sorted(set(col)):
            at = col == value
            rows.append({"group": str(value), **_measures(y[at], risk[at])})
        out[name] = rows
    return out


def evaluate_at(
    snaps: Snapshots, t: date, snapshots: int, target: Target = ARREARS
) -> dict[str, Any]:
    """Train as of ``t``, score every account the target covers at ``t``, and compare with
    what happened in the window after."""
    booster, rows = fit(snaps, t, snapshots, target)
    test = snaps.labelled(t, target)
    x, y = features.matrix(test, target.features), test.get_column("y").to_numpy()
    risk = model.scores(booster, x)
    balance = test.get_column("true_arrears").to_numpy().astype(np.float64)
    capacity = max(1, int(CAPACITY_SHARE * len(y)))
    top = np.argsort(-risk, kind="mergesort")[:capacity]
    by_risk = model.contacts_to_reach(y, risk)
    by_balance = model.contacts_to_reach(y, balance)
    both = 0 < int(y.sum()) < len(y)
    out = {
        "t": t.isoformat(),
        "trained_rows": rows,
        "accounts": len(y),
        "fell_behind": int(y.sum()),
        "auc": round(model.auc(y, risk), 4) if both else None,
        "auc_by_balance": round(model.auc(y, balance), 4) if both else None,
        "capacity": capacity,
        "precision_at_capacity": round(float(y[top].mean()), 4),
        "recall_at_capacity": round(float(y[top].sum() / max(1, y.sum())), 4),
        "contacts_80pc_by_risk": by_risk,
        "contacts_80pc_by_balance": by_balance,
        "fewer_contacts": round(1 - by_risk / by_balance, 4) if by_balance else None,
        "calibration": _calibration(y, risk),
        "groups": _by_group(test, y, risk),
    }
    if "policy_order" in test.columns:
        by_policy = model.contacts_to_reach(y, test.get_column("policy_order").to_numpy())
        out["contacts_80pc_by_policy"] = by_policy
        out["fewer_contacts_than_policy"] = round(1 - by_risk / by_policy, 4) if by_policy else None
    return out


def _calibration(y: np.ndarray, risk: np.ndarray, bins: int = 5) -> list[list[float]]:
    """[mean score, share with the outcome, accounts] by fifths of the scores."""
    order = np.argsort(risk, kind="mergesort")
    out = []
    for part in np.array_split(order, bins):
        if len(part):
            out.append([round(float(risk[part].mean()), 4), round(float(y[part].mean()), 4),
                        len(part)])  # fmt: skip
    return out


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(float(np.mean(kept)), 4) if kept else None


def _points(end: date, points: int, target: Target) -> list[date]:
    """The days evaluated: 28 apart, the last whose outcome is over by ``end``."""
    last = end - timedelta(days=target.horizon_days)
    return sorted(last - timedelta(days=STEP_DAYS * k) for k in range(points))


def backtest(
    end: date,
    points: int,
    snapshots: int,
    snaps: Snapshots | None = None,
    targets: tuple[Target, ...] = TARGETS,
) -> dict:
    """For each target, evaluate at ``points`` days 28 apart, the last whose outcome is known
    by ``end``."""
    snaps = snaps or Snapshots()
    report: dict[str, Any] = {"end": end.isoformat(), "targets": {}}
    plan = {target: _points(end, points, target) for target in targets}
    snaps.prefetch(
        [d for target, ts in plan.items() for t in ts
         for d in days_needed(t, snapshots, target, scored_at_t=True)]
    )  # fmt: skip
    for target, ts in plan.items():
        try:
            results = [evaluate_at(snaps, t, snapshots, target) for t in ts]
        except ValueError as e:  # too little history for this target: said, not hidden
            report["targets"][target.name] = {"label": target.label, "error": str(e)}
            continue
        report["targets"][target.name] = {
            "label": target.label,
            "points": results,
            "mean_auc": _mean([r["auc"] for r in results]),
            "mean_fewer_contacts": _mean([r["fewer_contacts"] for r in results]),
            "mean_fewer_contacts_than_policy": _mean(
                [r.get("fewer_contacts_than_policy") for r in results]
            ),
        }
    return report


@transaction.atomic
def train_and_store(
    through: date, snapshots: int, snaps: Snapshots | None = None, target: Target = ARREARS
) -> RiskModel:
    """Train on the history up to ``through`` and keep the model, versioned."""
    snaps = snaps or Snapshots()
    started = time.perf_counter()
    booster, rows = fit(snaps, through, snapshots, target)
    version = (
        RiskModel.objects.filter(target=target.name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    return RiskModel.objects.create(
        target=target.name,
        version=version,
        trained_through=through,
        features=[f.name for f in target.features],
        booster=booster.model_to_string(),
        rows=rows,
        seconds=round(time.perf_counter() - started, 2),
        evaluation={"snapshots": snapshots},
    )


def train_all(
    through: date, snapshots: int, snaps: Snapshots | None = None
) -> tuple[list[RiskModel], list[str]]:
    """Every target's model trained on the same snapshots; a target whose history holds too
    few outcomes is named, not trained."""
    snaps = snaps or Snapshots()
    snaps.prefetch(
        [d for t in TARGETS for d in days_needed(through, snapshots, t, scored_at_t=False)]
    )
    kept, skipped = [], []
    for target in TARGETS:
        try:
            kept.append(train_and_store(through, snapshots, snaps, target))
        except ValueError as e:
            skipped.append(f"{target.name}: {e}")
    return kept, skipped
