"""What the risk models hold about one account, in words: the scores the latest run gave it
(the account page and the worktray) and every score any run has kept (the subject access export
a tenant may ask for, UK GDPR article 15; docs/risk.md).

A kept score holds the feature values its model was given; its reasons are worked out from them
here, for the rows shown, with the model that gave the score (risk/scoring.py says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from rentbook.engine.models import Recommendation
from rentbook.risk import model
from rentbook.risk.models import RiskModel
from rentbook.risk.scoring import booster
from rentbook.risk.targets import ARREARS, BY_FACT, BY_NAME, TARGETS


@dataclass(frozen=True)
class Score:
    fact: str
    label: str
    score: int
    reasons: list[str]
    model: str


def _kept(rec: Recommendation) -> dict[str, dict]:
    kept = dict(rec.risk_scores or {})
    if not kept and rec.risk is not None:  # kept before every target had its own entry
        kept = {ARREARS.fact: {"score": rec.risk, "reasons": rec.risk_reasons, "model": ""}}
    return kept


def explain(recs: Iterable[Recommendation]) -> dict[int, list[Score]]:
    """Each recommendation's scores in the targets' order (by its id), with their reasons:
    worked out in one batch per model."""
    recs = list(recs)
    kept = {r.pk: _kept(r) for r in recs}
    wanted: dict[int, list[tuple[int, str]]] = {}  # model id -> (rec id, fact)
    for pk, scores in kept.items():
        for fact, s in scores.items():
            if "x" in s and "model_id" in s:
                wanted.setdefault(int(s["model_id"]), []).append((pk, fact))
    reasons: dict[tuple[int, str], list[str]] = {}
    models = RiskModel.objects.in_bulk(list(wanted))
    for model_id, items in wanted.items():
        m = models.get(model_id)
        if m is None or m.target not in BY_NAME:
            continue  # the model is gone: the score stands, its reasons cannot be worked out
        feats = BY_NAME[m.target].features
        x = np.array([kept[pk][fact]["x"] for pk, fact in items], dtype=np.float64)
        for (pk, fact), rs in zip(items, model.reasons(booster(m), x, feats=feats), strict=True):
            reasons[(pk, fact)] = [r.words for r in rs]
    return {
        pk: [
            Score(
                t.fact,
                t.label,
                int(s["score"]),
                reasons.get((pk, t.fact), list(s.get("reasons", []))),
                s.get("model", ""),
            )
            for t in TARGETS
            if (s := scores.get(t.fact)) is not None
        ]
        for pk, scores in kept.items()
    }


def scores_of(rec: Recommendation | None) -> list[Score]:
    return [] if rec is None else explain([rec])[rec.pk]


def arrears_reasons(recs: Iterable[Recommendation]) -> dict[int, list[str]]:
    """The falling-behind score's reasons for each recommendation (the worktray's column)."""
    return {
        pk: next((s.reasons for s in scores if s.fact == ARREARS.fact), [])
        for pk, scores in explain(recs).items()
    }


HEADER = ["run_as_of", "policy", "score", "what_it_predicts", "per_cent", "reasons", "model"]


def subject_access_rows(account_id: int) -> Iterator[list[str]]:
    """Every risk score any run kept for the account, newest first."""
    # one recommendation per run: a few hundred rows for years of weekly runs
    recs = list(
        Recommendation.objects.filter(account_id=account_id)
        .select_related("run")
        .order_by("-run__as_of", "-run_id")
    )
    explained = explain(recs)
    for rec in recs:
        for s in explained[rec.pk]:
            yield [
                rec.run.as_of.isoformat(),
                rec.run.policy,
                s.fact,
                BY_FACT[s.fact].label,
                str(s.score),
                "; ".join(s.reasons),
                s.model,
            ]
