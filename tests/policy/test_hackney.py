"""The hackney policy, rule by rule, at the boundaries of hackney-policy.md.

`now` is Wednesday 18 June 2025, 14:37. Windows count from midnight: "newer than 7 days" means
after 2025-06-11 00:00, "newer than 14 days" after 2025-06-04 00:00 and "newer than 3 months"
after 2025-03-18 00:00. Every decision here is also made by the vectorised evaluator, which
must agree.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentbook.policy.evaluate import Evaluator
from rentbook.policy.facts import facts_frame
from rentbook.policy.loader import load_policy
from rentbook.policy.snapshots import snapshot_facts
from rentbook.policy.vectorised import VectorEvaluator

NOW = "2025-06-18T14:37:00"
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "examples.json"
POLICY = load_policy("hackney")
ONE, MANY = Evaluator(POLICY), VectorEvaluator(POLICY)
SEEN: list[dict] = []  # every snapshot decided here, perturbed again at the end


def snap(**blocks) -> dict:
    s = {"id": "t", "now": NOW, **blocks}
    s.setdefault("account", {"arrears": 500.0, "weekly_charge": 95.0})
    return s


def decide(snapshot: dict) -> str:
    SEEN.append(snapshot)
    facts = snapshot_facts(snapshot)
    one = ONE.decide(facts)
    many = MANY.decide(facts_frame([facts]))
    assert many["rule"][0] == one.rule and many["action"][0] == one.action
    return one.action


def last(code: str, at: str) -> dict:
    return {"last_action": {"code": code, "at": at}}


COURT_BREACH = {
    "court": {"date": "2025-01-10", "outcome": "SUS"},
    "arrangement": {"type": "formal", "state": "breached", "start": "2025-02-01"},
}
NOSP_ACTIVE = {"notice": {"served": "2025-01-10"}}  # expires 2025-04-10, valid to 2026-04-09


def test_apply_for_outright_possession_warrant():
    court = {"court": {"date": "2025-03-18T14:37:00", "outcome": "OPD"}}
    assert decide(snap(**court)) == "apply_for_outright_possession_warrant"
    just_too_old = {"court": {"date": "2025-03-18T14:36:59", "outcome": "OPF"}}
    assert decide(snap(**just_too_old)) != "apply_for_outright_possession_warrant"
    assert (
        decide(snap(**court, **last("WPA", "2025-06-01")))
        != "apply_for_outright_possession_warrant"
    )
    live = {"arrangement": {"type": "formal", "state": "live", "start": "2025-04-01"}}
    assert decide(snap(**court, **live)) != "apply_for_outright_possession_warrant"


def test_review_failed_letter():
    failed = {"latest_letter": {"status": "validation-failed", "income": True}}
    assert decide(snap(**failed)) == "review_failed_letter"
    # a pause, which stops everything else, does not stop this
    assert decide(snap(**failed, pause={"until": "2025-07-01"})) == "review_failed_letter"
    not_income = {"latest_letter": {"status": "validation-failed", "income": False}}
    assert decide(snap(**not_income)) != "review_failed_letter"


def test_send_first_SMS():
    small = {"arrears": 7.5, "weekly_charge": 95.0}
    assert decide(snap(account=small)) == "send_first_SMS"
    assert decide(snap(account={"arrears": 5.0})) == "send_first_SMS"
    assert decide(snap(account={"arrears": 4.99})) == "no_action"
    assert decide(snap(account=small, **last("GMS", "2025-06-11T00:00:00"))) == "send_first_SMS"
    assert decide(snap(account=small, **last("GMS", "2025-06-11T00:00:01"))) == "no_action"
    assert decide(snap(account=small, **last("IC1", "2025-03-18T00:00:01"))) == "no_action"
    assert decide(snap(account=small, **last("IC1", "2025-03-18T00:00:00"))) == "send_first_SMS"
    # a communication with a date but no code does not block it
    undated_code = {"last_action": {"at": "2025-06-17"}}
    assert decide(snap(account=small, **undated_code)) == "send_first_SMS"


def test_send_letter_one():
    assert decide(snap(account={"arrears": 20.0, "weekly_charge": 10.0})) == "send_letter_one"
    # effective arrears = arrears less this week's unpaid charge: £9.99 is not enough
    assert decide(snap(account={"arrears": 19.99, "weekly_charge": 10.0})) == "no_action"
    paid = {"arrears": 19.99, "weekly_charge": 10.0, "paid_this_week": 10.0}
    assert decide(snap(account=paid)) == "send_letter_one"
    assert decide(snap(account={"arrears": 20.0})) != "send_letter_one"  # no weekly charge
    assert decide(snap(**last("IC1", "2025-03-18T00:00:00"))) == "send_letter_one"
    assert decide(snap(**last("IC4", "2025-03-18T00:00:01"))) != "send_letter_one"
    assert decide(snap(notice={"served": "2020-01-01"})) != "send_letter_one"


def test_send_letter_two():
    assert decide(snap(**last("IC1", "2025-06-04T00:00:00"))) == "send_letter_two"
    assert decide(snap(**last("S01", "2025-03-18T00:00:01"))) == "send_letter_two"
    assert decide(snap(**last("IC1", "2025-06-04T00:00:01"))) == "no_action"  # too soon
    assert decide(snap(**last("IC1", "2025-03-18T00:00:00"))) == "send_letter_one"  # too late
    live = {"arrangement": {"type": "informal", "state": "live", "start": "2025-06-01"}}
    assert decide(snap(**last("IC1", "2025-06-01"), **live)) == "no_action"


def test_update_court_outcome_action():
    assert decide(snap(court={"date": "2025-06-18T09:00:00"})) == "update_court_outcome_action"
    assert decide(snap(court={"date": "2025-06-18T14:37:01"})) == "no_action"  # in the future
    assert (
        decide(snap(court={"date": "2025-06-01", "outcome": ""})) == "update_court_outcome_action"
    )


def test_court_breach_visit():
    assert (
        decide(snap(**COURT_BREACH, **last("CBL", "2025-06-11T00:00:00"))) == "court_breach_visit"
    )
    assert decide(snap(**COURT_BREACH, **last("CBL", "2025-06-11T00:00:01"))) == "no_action"
    assert decide(snap(**COURT_BREACH, **last("CBL", "2025-03-18T00:00:00"))) == "no_action"
    assert (
        decide(snap(**COURT_BREACH, **last("CBL", "2025-03-18T00:00:01"))) == "court_breach_visit"
    )


def test_send_NOSP():
    assert decide(snap(**last("IC2", "2025-06-11T00:00:00"))) == "send_NOSP"
    assert decide(snap(**last("IC2", "2025-06-11T00:00:01"))) == "no_action"
    assert decide(snap(**last("ZL2", "2025-03-18T00:00:00"))) == "send_letter_one"  # too old
    exactly_four_weeks = {"arrears": 475.0, "weekly_charge": 95.0}
    assert decide(snap(account=exactly_four_weeks, **last("IC2", "2025-06-01"))) == "send_NOSP"
    short = {"arrears": 474.99, "weekly_charge": 95.0}
    assert decide(snap(account=short, **last("IC2", "2025-06-01"))) == "no_action"
    # a NOSP served long enough ago to have lapsed: a new one needs no letter two first
    assert decide(snap(notice={"served": "2024-01-01"})) == "send_NOSP"
    warrant = {"court": {"date": "2024-01-01", "outcome": "AGP"}}
    assert decide(snap(notice={"served": "2024-01-01"}, **warrant)) != "send_NOSP"


def test_court_breach_no_payment():
    blocks = {**COURT_BREACH, **last("CBV", "2025-06-11T00:00:00")}
    paid_long_ago = {"arrears": 500.0, "weekly_charge": 95.0, "days_since_last_payment": 8}
    assert decide(snap(account=paid_long_ago, **blocks)) == "court_breach_no_payment"
    recent = {"arrears": 500.0, "weekly_charge": 95.0, "days_since_last_payment": 7}
    assert decide(snap(account=recent, **blocks)) == "no_action"
    # a missing count of days counts as 0
    assert decide(snap(**blocks)) == "no_action"


def test_send_informal_agreement_breach_letter():
    broken = {"arrangement": {"type": "informal", "state": "breached", "start": "2025-05-01"}}
    assert decide(snap(**broken)) == "send_informal_agreement_breach_letter"
    assert decide(snap(**broken, **last("XYZ", "2025-06-11T00:00:01"))) == "no_action"
    assert decide(snap(**broken, **last("XYZ", "2025-06-11T00:00:00"))) == (
        "send_informal_agreement_breach_letter"
    )
    no_start = {"arrangement": {"type": "informal", "state": "breached"}}
    assert decide(snap(**no_start)) != "send_informal_agreement_breach_letter"


def test_informal_breached_after_letter():
    broken = {"arrangement": {"type": "informal", "state": "breached", "start": "2025-05-01"}}
    after = last("BLI", "2025-06-11T00:00:00")
    assert decide(snap(**broken, **after)) == "informal_breached_after_letter"
    assert decide(snap(**broken, **last("BLI", "2025-06-11T00:00:01"))) == "no_action"
    assert decide(snap(**broken, **after, notice={"served": "2020-01-01"})) == "no_action"


def test_address_court_agreement_breach():
    assert decide(snap(**COURT_BREACH)) == "address_court_agreement_breach"
    assert decide(snap(**COURT_BREACH, **last("IC1", "2025-06-17"))) == (
        "address_court_agreement_breach"
    )
    before_court = {
        **COURT_BREACH,
        "arrangement": {"type": "formal", "state": "breached", "start": "2025-01-09"},
    }
    assert decide(snap(**before_court)) != "address_court_agreement_breach"


def test_send_court_warning_letter():
    assert decide(snap(**NOSP_ACTIVE)) == "send_court_warning_letter"
    not_yet_active = {"notice": {"served": "2025-03-19"}}  # expires 2025-06-19
    assert decide(snap(**not_yet_active)) == "no_action"
    assert decide(snap(**NOSP_ACTIVE, **last("IC4", "2025-06-17"))) == "no_action"
    short = {"arrears": 474.99, "weekly_charge": 95.0}
    assert decide(snap(account=short, **NOSP_ACTIVE)) == "no_action"


def test_apply_for_court_date():
    assert decide(snap(**NOSP_ACTIVE, **last("IC4", "2025-06-04T00:00:00"))) == (
        "apply_for_court_date"
    )
    assert decide(snap(**NOSP_ACTIVE, **last("IC4", "2025-06-04T00:00:01"))) == "no_action"
    # a court date already after the warning letter
    court = {"court": {"date": "2025-06-10", "outcome": "ADJ"}}
    assert decide(snap(**NOSP_ACTIVE, **court, **last("IC4", "2025-06-01"))) != (
        "apply_for_court_date"
    )


def test_check_data():
    warrant = {"court": {"date": "2019-06-18T14:37:01", "outcome": "AGP"}}
    assert decide(snap(**warrant)) == "check_data"
    lapsed = {"court": {"date": "2019-06-18T14:37:00", "outcome": "AGP"}}
    assert decide(snap(**lapsed)) != "check_data"
    assert decide(snap(account={}, court={"outcome": "OPD"})) == "check_data"  # no date
    terms = {"court": {"date": "2025-01-10", "outcome": "SUS", "terms": True}}
    assert decide(snap(**terms)) == "check_data"
    struck = {
        "court": {"date": "2025-01-10", "outcome": "SUS", "terms": True, "struck_out": "2025-02-01"}
    }
    assert decide(snap(**struck)) != "check_data"
    assert decide(snap(**warrant, pause={"until": "2025-06-19"})) == "no_action"


def test_no_action_when_an_eviction_date_is_recorded():
    assert decide(snap(eviction={"date": "2010-01-01"})) == "no_action"


@pytest.mark.parametrize("case", json.loads(EXAMPLES.read_text()), ids=lambda c: c["id"])
def test_the_published_examples(case):
    assert decide(case) == case["expect"]


def test_reasons_name_the_facts_that_decided():
    decision = ONE.decide(snapshot_facts(snap(account={"arrears": 20.0, "weekly_charge": 10.0})))
    assert "effective arrears £10.00 ≥ £10.00" in decision.reasons
    assert "no court date" in decision.reasons
    nosp = ONE.decide(snapshot_facts(snap(**last("IC2", "2025-06-02T11:00:00"))))
    assert "effective arrears £405.00 ≥ £380.00 (4 weeks of charge)" in nosp.reasons


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_both_evaluators_agree_on_these_scenarios_perturbed(seed):
    rnd = random.Random(seed)
    rows = []
    for s in rnd.sample(SEEN, min(10, len(SEEN))):
        facts = snapshot_facts(s)
        for name, value in list(facts.items()):
            if name != "now" and rnd.random() < 0.15:
                facts[name] = None if name not in ("flags", "actions") else value
            elif hasattr(value, "hour") and rnd.random() < 0.2:
                from datetime import timedelta

                facts[name] = value + rnd.choice([-1, 1]) * timedelta(
                    seconds=rnd.choice([1, 86400])
                )
        rows.append(facts)
    many = MANY.decide(facts_frame(rows))["rule"].to_list()
    assert many == [ONE.decide(r, explain=False).rule for r in rows]


def test_a_paused_case_gets_no_action_and_says_why():
    paused = snap(pause={"until": "2025-07-01", "reason": "promise of payment"})
    decision = ONE.decide(snapshot_facts(paused))
    assert (decision.action, decision.rule) == ("no_action", "paused")
    assert "the case is paused" in decision.reasons
    ended = snap(pause={"until": "2025-06-18"})
    assert ONE.decide(snapshot_facts(ended)).rule != "paused"
