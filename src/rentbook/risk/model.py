"""The learner and its measures, as plain functions over arrays.

Gradient-boosted trees (LightGBM) with **monotone constraints**: more weeks owed, more missed
payments, a longer gap since the last one can never lower a score. Each score is explained by
the trees' own per-feature contributions (LightGBM's TreeSHAP, ``pred_contrib``), so the
reasons add up to the score and are the same every time for a fixed model. Training is
deterministic (fixed seed, ``deterministic``): the same history trains the same model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np

from rentbook.risk.features import FEATURES, Feature

PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 1.0,
    "bagging_fraction": 1.0,
    "lambda_l2": 1.0,
    "monotone_constraints_method": "advanced",
    "deterministic": True,
    "force_row_wise": True,
    "seed": 2026,
    "num_threads": 2,
    "verbosity": -1,
}
ROUNDS = 200


def train(
    x: np.ndarray, y: np.ndarray, rounds: int = ROUNDS, feats: tuple[Feature, ...] = FEATURES
) -> lgb.Booster:
    if len(np.unique(y)) < 2:
        raise ValueError("training needs accounts with and without the outcome")
    data = lgb.Dataset(x, label=y, feature_name=[f.name for f in feats], free_raw_data=True)
    params = {**PARAMS, "monotone_constraints": [f.direction for f in feats]}
    return lgb.train(params, data, num_boost_round=rounds)


def load(text: str) -> lgb.Booster:
    return lgb.Booster(model_str=text)


def scores(model: lgb.Booster, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x), dtype=np.float64)


@dataclass(frozen=True)
class Reason:
    feature: str
    contribution: float  # to the log-odds
    words: str


def reasons(
    model: lgb.Booster, x: np.ndarray, top: int = 3, feats: tuple[Feature, ...] = FEATURES
) -> list[list[Reason]]:
    """Each row's ``top`` reasons that raise its score most, in words, largest first (ties by
    the features' order: the same every time)."""
    contrib = np.asarray(model.predict(x, pred_contrib=True))[:, :-1]  # the last is the bias
    out = []
    for row, values in zip(contrib, x, strict=True):
        order = sorted(range(len(feats)), key=lambda i: (-row[i], i))
        picked = [
            Reason(feats[i].name, float(row[i]), feats[i].words(float(values[i])))
            for i in order[:top]
            if row[i] > 0
        ]
        out.append(picked)
    return out


def auc(y: Sequence[int] | np.ndarray, score: Sequence[float] | np.ndarray) -> float:
    """The area under the ROC curve: the chance a random account that fell behind scores
    above a random one that did not (ties count half)."""
    y = np.asarray(y)
    score = np.asarray(score, dtype=np.float64)
    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    if not pos or not neg:
        raise ValueError("the AUC needs both outcomes")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), dtype=np.float64)
    sorted_scores = score[order]
    # average ranks for ties
    i = 0
    while i < len(score):
        j = i
        while j + 1 < len(score) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def contacts_to_reach(y: np.ndarray, order_key: np.ndarray, share: float = 0.8) -> int:
    """How many accounts, taken highest ``order_key`` first, are contacted before ``share``
    of the accounts that went on to fall behind have been (ties broken by position)."""
    y = np.asarray(y)
    wanted = int(np.ceil(share * int((y == 1).sum())))
    if wanted == 0:
        return 0
    order = np.lexsort((np.arange(len(y)), -np.asarray(order_key, dtype=np.float64)))
    found = np.cumsum(y[order] == 1)
    return int(np.searchsorted(found, wanted) + 1)
