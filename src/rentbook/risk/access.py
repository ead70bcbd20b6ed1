"""What the risk models hold about one account, in words: the scores the latest run gave it
(the account page) and every score any run has kept (the subject access export a tenant may
ask for, UK GDPR article 15; docs/risk.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rentbook.engine.models import Recommendation
from rentbook.risk.targets import ARREARS, BY_FACT, TARGETS


@dataclass(frozen=True)
class Score:
    fact: str
    label: str
    score: int
    reasons: list[str]
    model: str


def scores_of(rec: Recommendation | None) -> list[Score]:
    """A recommendation's scores in the targets' order; one kept before every target had its
    own column shows its falling-behind score."""
    if rec is None:
        return []
    kept = dict(rec.risk_scores or {})
    if not kept and rec.risk is not None:
        kept = {ARREARS.fact: {"score": rec.risk, "reasons": rec.risk_reasons, "model": ""}}
    return [
        Score(t.fact, t.label, int(s["score"]), list(s.get("reasons", [])), s.get("model", ""))
        for t in TARGETS
        if (s := kept.get(t.fact)) is not None
    ]


HEADER = ["run_as_of", "policy", "score", "what_it_predicts", "per_cent", "reasons", "model"]


def subject_access_rows(account_id: int) -> Iterator[list[str]]:
    """Every risk score any run kept for the account, newest first."""
    # one recommendation per run: a few hundred rows for years of weekly runs
    recs = (
        Recommendation.objects.filter(account_id=account_id)
        .select_related("run")
        .order_by("-run__as_of", "-run_id")
    )
    for rec in recs.iterator(chunk_size=500):
        for s in scores_of(rec):
            yield [
                rec.run.as_of.isoformat(),
                rec.run.policy,
                s.fact,
                BY_FACT[s.fact].label,
                str(s.score),
                "; ".join(s.reasons),
                s.model,
            ]
