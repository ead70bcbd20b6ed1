"""The weekly run scores every account with the latest risk model, stores the score and its
reasons with each recommendation, and lets a policy read it; switched off, nothing is scored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import run_arrears
from rentbook.ledger.models import Kind
from rentbook.risk import model
from rentbook.risk.features import NAMES
from rentbook.risk.models import RiskModel
from rentbook.risk.services import TARGET
from tests.factories import make_account, post
from tests.risk.test_model import _synthetic

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)


@pytest.fixture
def trained():
    x, y = _synthetic()
    booster = model.train(x, y, rounds=40)
    return RiskModel.objects.create(
        target=TARGET, version=1, trained_through=AS_OF, features=list(NAMES),
        booster=booster.model_to_string(),
    )  # fmt: skip


def _ledger():
    behind = make_account(weekly_rent=10_000, start=date(2024, 4, 1))
    post(behind, AS_OF - timedelta(days=60), 80_000, kind=Kind.CHARGE)
    paid = make_account(weekly_rent=10_000, start=date(2024, 4, 1))
    post(paid, AS_OF - timedelta(days=14), 10_000, kind=Kind.CHARGE)
    post(paid, AS_OF - timedelta(days=13), -10_000)
    return behind, paid


def test_the_run_stores_each_accounts_score_and_reasons(trained):
    behind, paid = _ledger()
    run_arrears(AS_OF, "england")
    recs = {r.account_id: r for r in Recommendation.objects.all()}
    assert all(r.risk is not None and 0 <= r.risk <= 100 for r in recs.values())
    assert recs[behind.pk].risk > recs[paid.pk].risk
    # the reasons are worked out from the kept values when shown, the same every time
    from rentbook.risk.access import arrears_reasons

    why = arrears_reasons(recs.values())
    assert why[recs[behind.pk].pk] and "owes 8.0 weeks" in why[recs[behind.pk].pk][0]
    assert why == arrears_reasons(Recommendation.objects.all())


def test_switched_off_nothing_is_scored(trained, settings):
    settings.RENTBOOK_RISK_SCORES = False
    _ledger()
    run_arrears(AS_OF, "england")
    assert set(Recommendation.objects.values_list("risk", flat=True)) == {None}
    assert Run.objects.count() == 1


def test_without_a_model_nothing_is_scored():
    _ledger()
    run_arrears(AS_OF, "england")
    assert set(Recommendation.objects.values_list("risk", flat=True)) == {None}
    assert all(r.risk_reasons == [] for r in Recommendation.objects.all())


def test_each_target_scores_only_the_accounts_it_covers(trained):
    from rentbook.risk.targets import ARRANGEMENT, NOTICE

    x, y = _synthetic()
    for target in (ARRANGEMENT, NOTICE):
        RiskModel.objects.create(
            target=target.name, version=1, trained_through=AS_OF, features=list(NAMES),
            booster=model.train(x, y, rounds=20).model_to_string(),
        )  # fmt: skip
    _ledger()
    run_arrears(AS_OF, "england")
    for r in Recommendation.objects.all():
        # neither keeps an arrangement; neither has had a notice
        assert set(r.risk_scores) == {"risk_arrears", "risk_notice"}, r.risk_scores
        assert r.risk_scores["risk_arrears"]["score"] == r.risk
        assert r.risk_scores["risk_notice"]["model"] == "notice_in_13 v1"
        assert len(r.risk_scores["risk_arrears"]["x"]) == len(NAMES)


def test_the_kept_inputs_are_the_models_inputs_as_json(trained):
    """risk_scores is JSON text built column-wise: each covered account's score, model and
    the feature values it was given (rounded to 4 places); a value that is not a finite
    number is kept as null."""
    import json

    import numpy as np
    import polars as pl

    from rentbook.engine.features import build_features
    from rentbook.risk import features
    from rentbook.risk.scoring import _as_json, score
    from rentbook.risk.targets import ARREARS

    _ledger()

    snapshot = build_features(AS_OF)
    scored = score(snapshot, AS_OF)
    f = features.from_snapshot(snapshot, AS_OF)
    x = features.matrix(f, ARREARS.features)
    for i, row in enumerate(scored.iter_rows(named=True)):
        kept = json.loads(row["risk_scores"])[ARREARS.fact]
        assert kept["score"] == row[ARREARS.fact]
        assert kept["model_id"] == trained.pk and kept["model"] == f"{TARGET} v1"
        assert kept["x"] == [round(float(v), 4) for v in x[i]]
    odd = np.array([[1.23456, np.nan, np.inf, -0.5]])
    text = _as_json("risk_arrears", trained, pl.Series([7]), odd)[0]
    assert json.loads("{" + text + "}")["risk_arrears"]["x"] == [1.2346, None, None, -0.5]
