"""The per-account and vectorised evaluators pick the same rule for every account."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from rentbook.policy.evaluate import Evaluator
from rentbook.policy.facts import facts_frame, facts_from_row
from rentbook.policy.loader import load_policy, shipped_policies
from rentbook.policy.vectorised import VectorEvaluator
from tests.policy.strategies import NOWS, SPANS, accounts

DEBT_POLICIES = Path(__file__).parents[2] / "src" / "rentbook" / "debts" / "policies"
POLICIES = [
    *shipped_policies(),
    str(Path(__file__).with_name("every_construct.toml")),
    *sorted(str(p) for p in DEBT_POLICIES.glob("*.toml")),
]
_EVALUATORS = {}


def evaluators(name):
    if name not in _EVALUATORS:
        policy = load_policy(name)
        _EVALUATORS[name] = (Evaluator(policy), VectorEvaluator(policy))
    return _EVALUATORS[name]


@pytest.mark.parametrize("name", POLICIES, ids=lambda n: Path(n).stem)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=accounts(30))
def test_both_evaluators_choose_the_same_rule_for_every_account(name, rows):
    one, many = evaluators(name)
    expected = [one.decide(r, explain=False) for r in rows]
    decided = many.decide(facts_frame(rows))
    assert decided["rule"].to_list() == [d.rule for d in expected]
    assert decided["action"].to_list() == [d.action for d in expected]
    assert decided["priority"].to_list() == [d.priority for d in expected]


@pytest.mark.parametrize("name", POLICIES, ids=lambda n: Path(n).stem)
@settings(max_examples=60, deadline=None)
@given(rows=accounts(30))
def test_both_evaluators_agree_when_every_account_shares_one_now(name, rows):
    # a run's frame has one `now`, which the vectorised evaluator folds into constants
    one, many = evaluators(name)
    rows = [{**r, "now": rows[0]["now"]} for r in rows]
    decided = many.decide(facts_frame(rows))
    assert decided["rule"].to_list() == [one.decide(r, explain=False).rule for r in rows]


@pytest.mark.parametrize("name", POLICIES, ids=lambda n: Path(n).stem)
@settings(max_examples=80, deadline=None)
@given(rows=accounts(10))
def test_both_evaluators_compute_the_same_derived_facts(name, rows):
    one, many = evaluators(name)
    frame = many.with_facts(facts_frame(rows)).collect()
    for d in one.policy.derived:
        column = frame[f"__fact_{d.name}"].to_list()
        mine = [one.facts(r)[d.name] for r in rows]
        if d.expr.type is not None and d.expr.type.name == "BOOL":
            column, mine = [bool(v) for v in column], [bool(v) for v in mine]
        assert column == mine, d.name


def test_calendar_months_shift_the_same_way_in_python_and_polars():
    instants = [n + k * (n - n.replace(day=1)) / 3 for n in NOWS for k in range(3)]
    series = pl.Series(instants, dtype=pl.Datetime("us"))
    for span in SPANS:
        for sign in (1, -1):
            polars_says = series.dt.offset_by(span.polars(sign)).to_list()
            assert polars_says == [span.shift(t, sign) for t in instants], (span, sign)


@settings(max_examples=30, deadline=None)
@given(rows=accounts(10))
def test_a_row_of_the_run_frame_can_be_explained_by_the_per_account_evaluator(rows):
    one, many = evaluators("hackney")
    decided = many.decide(facts_frame(rows))
    for row in decided.to_dicts():
        decision = one.decide(facts_from_row(row))
        assert decision.rule == row["rule"]
        assert decision.reasons
