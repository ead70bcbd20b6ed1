"""The latest risk model's score for every account in the weekly run, with its reasons: the
``risk_arrears`` fact the policies may read (never for a legal step: policy/loader.py), and what
the worktray shows. Switched off with ``RENTBOOK_RISK_SCORES = False`` (docs/risk.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings

from rentbook.risk import features, model
from rentbook.risk.models import RiskModel
from rentbook.risk.services import TARGET

_loaded: dict[int, Any] = {}


def enabled() -> bool:
    return bool(getattr(settings, "RENTBOOK_RISK_SCORES", True))


def latest() -> RiskModel | None:
    if not enabled():
        return None
    m = RiskModel.objects.filter(target=TARGET).order_by("-version").first()
    if m is None or tuple(m.features) != features.NAMES:
        return None  # a model trained on other features is not used
    return m


@dataclass(frozen=True)
class Scored:
    model: RiskModel
    #: per cent, 0 to 100, by account_id
    frame: pl.DataFrame  # account_id, risk_arrears, risk_reasons (JSON text)


def score(snapshot: pl.DataFrame, as_of: date) -> Scored | None:
    """Every account's score and reasons, or None with no model (or the switch off)."""
    m = latest()
    if m is None or snapshot.height == 0:
        return None
    booster = _loaded.get(m.pk)
    if booster is None:
        booster = _loaded[m.pk] = model.load(m.booster)
    f = features.from_snapshot(snapshot, as_of)
    x = features.matrix(f)
    p = model.scores(booster, x)
    why = model.reasons(booster, x)
    return Scored(
        m,
        pl.DataFrame(
            {
                "account_id": f.get_column("account_id"),
                "risk_arrears": np.rint(p * 100).astype(np.int64),
                "risk_reasons": [json.dumps([r.words for r in rs]) for rs in why],
            }
        ),
    )
