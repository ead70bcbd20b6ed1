"""The latest risk models' scores for every account in the weekly run, with their reasons: the
``risk_*`` facts the policies may read (never for a legal step: policy/loader.py), and what the
worktray and account pages show. Switched off with ``RENTBOOK_RISK_SCORES = False``
(docs/risk.md).

Each target scores only the accounts it covers (risk/targets.py): a breaking-arrangement score
for an account keeping one, a start-of-tenancy score in a tenancy's first four weeks. The
falling-behind score (a) is kept in its own column, for the worktray's sort; every score with
the model that gave it and the feature values it was given is kept as ``risk_scores``.

The reasons are worked out from those values when a page or an export shows them
(risk/access.py), for the rows shown only: the trees' per-feature contributions cost about
0.13 ms an account, 20 s for a full-size run's two scores an account, but milliseconds for a
page of 50. A fixed model and fixed values give the same reasons whenever they are worked out.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

from rentbook.risk import features, model
from rentbook.risk.models import RiskModel
from rentbook.risk.targets import ARREARS, TARGETS, Target

_loaded: dict[int, Any] = {}


def enabled() -> bool:
    return bool(getattr(settings, "RENTBOOK_RISK_SCORES", True))


def latest(target: Target = ARREARS) -> RiskModel | None:
    if not enabled():
        return None
    m = RiskModel.objects.filter(target=target.name).order_by("-version").first()
    if m is None or tuple(m.features) != tuple(f.name for f in target.features):
        return None  # a model trained on other features is not used
    return m


def booster(m: RiskModel) -> Any:
    """The model's trees, parsed once a process."""
    loaded = _loaded.get(m.pk)
    if loaded is None:
        loaded = _loaded[m.pk] = model.load(m.booster)
    return loaded


def score(snapshot: pl.DataFrame, as_of: date) -> pl.DataFrame | None:
    """``account_id``, each target's fact (per cent, 0 to 100, or null) and ``risk_scores``
    (JSON text: every score, its model and its inputs) for every account; None with no model
    or with the switch off."""
    models = {t.fact: m for t in TARGETS if (m := latest(t)) is not None}
    if not models or snapshot.height == 0:
        return None
    f = features.from_snapshot(snapshot, as_of)
    columns: list[pl.Series] = [f.get_column("account_id")]
    parts: list[pl.Series] = []
    for target in TARGETS:
        m = models.get(target.fact)
        values = pl.Series(target.fact, [None] * f.height, dtype=pl.Int64)
        part = pl.Series(target.fact, [None] * f.height, dtype=pl.String)
        if m is not None:
            covered = f.select(target.eligible(f, as_of).fill_null(False)).to_series()
            rows = covered.arg_true()
            if len(rows):
                x = features.matrix(f[rows], target.features)
                p = np.rint(model.scores(booster(m), x) * 100).astype(np.int64)
                scored = pl.Series(np.full(f.height, -1, dtype=np.int64)).scatter(rows, p)
                values = scored.set(scored < 0, None).alias(target.fact)  # type: ignore[arg-type]
                kept = _as_json(target.fact, m, pl.Series(p), x)
                part = pl.Series([None] * f.height, dtype=pl.String).scatter(rows, kept)
        columns.append(values)
        parts.append(part.alias(target.fact))
    scores = pl.DataFrame(parts).select(
        risk_scores=pl.format("{{{}}}", pl.concat_str(pl.all(), separator=", ", ignore_nulls=True))
    )
    return pl.DataFrame(columns).with_columns(scores.get_column("risk_scores"))


def _as_json(fact: str, m: RiskModel, p: pl.Series, x: np.ndarray) -> pl.Series:
    """Each row's ``"fact": {"score": ..., "model": ..., "model_id": ..., "x": [...]}``, as
    JSON text, built column-wise (json.dumps an account took a second at full size). A value
    that is not a finite number is kept as null, which the reasons read as missing."""
    head = f'{json.dumps(fact)}: {{"score": '
    middle = f', "model": {json.dumps(f"{m.target} v{m.version}")}, "model_id": {m.pk}, "x": ['
    values = pl.DataFrame(np.round(x, 4), schema=[f"x{i}" for i in range(x.shape[1])])
    numbers = [
        pl.when(pl.col(c).is_finite()).then(pl.col(c).cast(pl.String)).otherwise(pl.lit("null"))
        for c in values.columns
    ]
    return values.select(
        pl.concat_str(
            [pl.lit(head), pl.lit(p).cast(pl.String), pl.lit(middle),
             pl.concat_str(numbers, separator=", "), pl.lit("]}")]
        )
    ).to_series()  # fmt: skip


FACTS = tuple(t.fact for t in TARGETS)
