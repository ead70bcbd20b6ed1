"""The account page shows every risk score the latest run gave with its reasons; a tenant's
subject access request is answered by an export of every score kept, for that account only;
the worktray filters by risk (docs/risk.md)."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.engine.models import Recommendation
from rentbook.portfolio.models import Role
from tests.cases.builders import make_run, recommend

from .conftest import build_account

pytestmark = pytest.mark.django_db

SCORES = {
    "risk_arrears": {"score": 64, "reasons": ["no payment for 30 days"], "model": "a v2"},
    "risk_notice": {"score": 12, "reasons": ["owes 4.0 weeks of rent"], "model": "n v1"},
}


@pytest.fixture
def scored():
    run = make_run(as_of=timezone.localdate())
    mine = build_account("T1")
    other = build_account("T2", last_name="Other")
    for account, risk in ((mine, 64), (other, 9)):
        rec = recommend(run, account, "send_letter_one")
        Recommendation.objects.filter(pk=rec.pk).update(
            risk=risk, risk_reasons=SCORES["risk_arrears"]["reasons"],
            risk_scores={**SCORES, "risk_arrears": {**SCORES["risk_arrears"], "score": risk}},
        )  # fmt: skip
    return mine, other


def test_the_account_page_shows_each_score_with_its_reasons(client_for, scored):
    page = client_for(Role.INCOME_MANAGER).get("/accounts/T1/").content.decode()
    assert 'data-testid="risk-risk_arrears">64%' in page
    assert 'data-testid="risk-risk_notice">12%' in page
    assert "no payment for 30 days" in page and "reaching the notice stage" in page
    assert "/accounts/T1/risk-scores.csv" in page


def test_an_older_recommendation_without_every_score_still_shows_its_own(client_for, scored):
    Recommendation.objects.filter(account__reference="T1").update(risk_scores={})
    page = client_for(Role.INCOME_OFFICER).get("/accounts/T1/").content.decode()
    assert 'data-testid="risk-risk_arrears">64%' in page and "risk_notice" not in page


def test_the_subject_access_export_holds_that_account_only_and_is_audited(client_for, scored):
    response = client_for(Role.INCOME_MANAGER).get("/accounts/T1/risk-scores.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["run_as_of", "policy", "score", "what_it_predicts", "per_cent"]
    assert sorted(r[2] for r in rows[1:]) == ["risk_arrears", "risk_notice"]
    assert [r[4] for r in rows[1:] if r[2] == "risk_arrears"] == ["64"]  # not T2's 9
    assert AuditEvent.objects.filter(action="export", summary__contains="T1").exists()


def test_the_export_neutralises_formulas(client_for, scored):
    Recommendation.objects.filter(account__reference="T1").update(
        risk_scores={"risk_arrears": {"score": 50, "reasons": ["=HYPERLINK(1)"], "model": "m"}}
    )
    text = client_for(Role.INCOME_MANAGER).get("/accounts/T1/risk-scores.csv").content.decode()
    assert "'=HYPERLINK(1)" in text


def test_the_worktray_filters_by_risk(client_for, scored):
    c = client_for(Role.INCOME_MANAGER)

    def listed(query: str) -> set[str]:
        page = c.get(f"/worktray/?view=all{query}").content.decode()
        return {ref for ref in ("T1", "T2") if f'href="/accounts/{ref}/"' in page}

    assert listed("&risk=high") == {"T1"}  # 64%
    assert listed("&risk=low") == {"T2"}  # 9%
    assert 'id="risk" name="risk"' in c.get("/worktray/?view=all").content.decode()
    assert listed("&risk=%3Cscript%3E") == {"T1", "T2"}  # an unknown band is no filter


def test_reasons_are_worked_out_from_the_kept_values_with_the_scores_model(client_for, scored):
    from rentbook.risk import model
    from rentbook.risk.features import NAMES
    from rentbook.risk.models import RiskModel
    from tests.risk.test_model import _synthetic

    x, y = _synthetic()
    m = RiskModel.objects.create(
        target="arrears_grow_2_weeks_in_8", version=1, trained_through=timezone.localdate(),
        features=list(NAMES), booster=model.train(x, y, rounds=30).model_to_string(),
    )  # fmt: skip
    values = [0.0] * len(NAMES)
    values[NAMES.index("weeks_owed")], values[NAMES.index("missed_4")] = 9.0, 4.0
    Recommendation.objects.filter(account__reference="T1").update(
        risk_scores={"risk_arrears": {"score": 88, "model": "m v1", "model_id": m.pk, "x": values}}
    )
    c = client_for(Role.INCOME_MANAGER)
    page = c.get("/accounts/T1/").content.decode()
    assert "owes 9.0 weeks of rent" in page
    tray = c.get("/worktray/?view=all").content.decode()
    assert "owes 9.0 weeks of rent" in tray
    text = c.get("/accounts/T1/risk-scores.csv").content.decode()
    assert "owes 9.0 weeks of rent" in text
