"""Holds in every shipped policy: breathing space, a mental health crisis breathing space, a
pending benefit claim or arrears that are only benefit on its way, and a pause.

In hackney the first three are rentbook additions ahead of Hackney's published rules; a pause
is Hackney's own hold, which its published example ex-5 fixes as ``no_action``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from rentbook.policy.check import check_snapshots, read_snapshots
from rentbook.policy.facts import facts_frame
from rentbook.policy.loader import load_policy
from rentbook.policy.snapshots import snapshot_facts
from tests.policy.scenarios import DEMANDS_PAYMENT, evaluators
from tests.policy.strategies import accounts, escalation_accounts

TECHNICAL = (
    "the arrears are only money on its way"
    " (technical arrears: a direct debit due, Housing Benefit or a UC managed payment)"
)

POLICIES = ["england", "scotland", "hackney"]
NOW = "2025-06-18T14:37:00"
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "examples.json"
# arrears that every policy would act on: a NOSP is due under hackney's rules
DUE = {
    "account": {"arrears": 500.0, "weekly_charge": 95.0},
    "last_action": {"code": "IC2", "at": "2025-06-02T11:00:00"},
}


def decide(policy: str, **blocks):
    facts = snapshot_facts({"id": "t", "now": NOW, **DUE, **blocks})
    one, many = evaluators(policy)
    decision = one.decide(facts)
    frame = many.decide(facts_frame([facts]))
    assert frame["rule"][0] == decision.rule
    return decision


def flag(kind: str, start: str = "2025-06-01", end: str = "2025-07-31") -> dict:
    return {"flags": [{"type": kind, "from": start, "to": end}]}


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(
    ("kind", "hold"),
    [
        ("breathing_space", "hold_breathing_space"),
        ("mental_health_crisis", "hold_mental_health_crisis"),
        ("benefit_claim_pending", "hold_benefit_claim"),
    ],
)
def test_each_hold_applies_while_its_flag_is_active(policy, kind, hold):
    decision = decide(policy, **flag(kind))
    assert (decision.action, decision.category) == (hold, "hold")
    label = evaluators(policy)[0].policy.actions[hold].label
    assert label.startswith("Hold: ")
    # the flag ended yesterday: not held
    assert decide(policy, **flag(kind, end="2025-06-17")).category != "hold"


@pytest.mark.parametrize("policy", POLICIES)
def test_arrears_that_are_only_money_on_its_way_are_not_chased(policy):
    technical = {"arrears": 500.0, "weekly_charge": 95.0, "technical_arrears": 500.0}
    decision = decide(policy, account={**technical, "true_arrears": 0.0})
    assert (decision.action, decision.rule) == ("no_action", "technical_only")
    assert TECHNICAL in decision.reasons
    decision = decide(policy, account={**technical, "true_arrears": 0.01})
    assert decision.rule != "technical_only"


@pytest.mark.parametrize("policy", ["england", "scotland"])
def test_a_pause_is_a_hold(policy):
    decision = decide(policy, pause={"until": "2025-06-25"})
    assert (decision.action, decision.category) == ("hold_paused", "hold")
    assert decide(policy, pause={"until": NOW}).action != "hold_paused"


def test_in_hackney_a_pause_is_hackneys_own_hold_with_no_action():
    assert decide("hackney", pause={"until": "2025-06-25"}).action == "no_action"


def test_hackney_still_passes_its_published_examples():
    # (tests/policy/test_check_command.py runs the same through the real command)
    result = check_snapshots(
        load_policy("hackney"), read_snapshots(EXAMPLES.read_text()), expect=True
    )
    assert (result.exit_code, result.lines[-1]) == (0, "6 passed, 0 failed")


@pytest.mark.parametrize("policy", POLICIES)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20), more=accounts(20))
def test_property_nothing_demands_payment_in_a_breathing_space(policy, rows, more):
    one, many = evaluators(policy)
    rows = rows + more
    rows += [{**r, "flags": r["flags"] | {"breathing_space"}} for r in rows]
    decided = many.decide(facts_frame(rows))
    for facts, category in zip(rows, decided["category"].to_list(), strict=True):
        if facts["flags"] & {"breathing_space", "mental_health_crisis"}:
            assert category == "hold" and category not in DEMANDS_PAYMENT
            assert one.decide(facts, explain=False).category == "hold"


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(
    ("flag", "action"), [("deceased", "hold_deceased"), ("dispute", "hold_dispute")]
)
def test_a_death_or_a_dispute_holds_every_step_however_deep_the_arrears(policy, flag, action):
    deep = {"arrears": 5000.0, "weekly_charge": 95.0, "days_since_last_payment": 200}
    held = decide(policy, account=deep, flags=[{"type": flag, "from": "2025-06-01"}])
    assert (held.action, held.category) == (action, "hold")
    # and once the flag ends, the case goes on as before
    ended = decide(
        policy, account=deep, flags=[{"type": flag, "from": "2025-01-01", "to": "2025-03-01"}]
    )
    assert ended.action != action
