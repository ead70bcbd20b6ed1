"""The first run after a migration, for the england and scotland policies: a landlord whose
cases sit at every stage of the policy (a case per rule) arrives through the import door only,
with rentbook's own diary codes, and the first run decides each case as the policy decides
the same facts written as a conformance snapshot (hackney's own cases: test_migration.py).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.sync import sync
from rentbook.policy.evaluate import Evaluator
from rentbook.policy.loader import load_policy
from rentbook.policy.snapshots import snapshot_facts
from tests.engine.migration_cases import AS_OF, Case, export, ref, snapshot

pytestmark = pytest.mark.django_db

BS = [("breathing_space", "2025-06-01", "2025-07-31")]
MHC = [("mental_health_crisis", "2025-06-01", "")]
CLAIM = [("benefit_claim_pending", "2025-06-10", "")]
DIED = [("deceased", "2025-06-05", "")]
DISPUTE = [("dispute", "2025-06-01", "2025-07-31")]
VULNERABLE = [("vulnerable", "2025-01-01", "")]
HOLD = ("promise", "2025-06-10", "2025-06-30")
# A monthly direct debit: the arrears are the charges since the last collection (technical).
DD = {
    "arrears": "0.00",
    "payment_method": "direct_debit",
    "payments": [
        ("2025-05-01", "400.00", "direct_debit"),
        ("2025-06-01", "500.00", "direct_debit"),
    ],
}
#: paid £110 a week: the rent and the £10 instalment (kept)
KEPT = {"type": "informal", "start": "2025-04-07", "expect_state": "live"}
#: paid only the rent: broken once
BROKEN = {
    "type": "informal",
    "start": "2025-04-07",
    "expect_state": "breached",
    "expect_breaches": 1,
}
COURT_BREACH = {
    "notice": ("nosp", "2024-06-03"),
    "court": {
        "applied_on": "2024-11-01",
        "hearing_on": "2025-01-10",
        "outcome": "SOT",
        "terms_weekly": "10.00",
    },
    "arrangement": {
        "type": "court_ordered",
        "start": "2025-02-03",
        "expect_state": "breached",
        "expect_breaches": 1,
    },
}
# Pre-action steps, in the order the policies ask for them (England's Pre-Action Protocol;
# Scotland's s14A and East Renfrewshire's 2.4-3.0).
CALL = ("CALL", "2025-03-01 10:00")
IC1 = ("IC1", "2025-03-05 10:00")
MAR = ("MAR", "2025-03-10 10:00")
BCK = ("BCK", "2025-03-15 10:00")
ARO = ("ARO", "2025-03-20 10:00")
IC2 = ("IC2", "2025-04-01 10:00")
VIS = ("VIS", "2025-04-15 10:00")

ENGLAND = [
    Case("hold_breathing_space", arrears="600.00", flags=BS),
    Case("hold_mental_health_crisis", arrears="600.00", flags=MHC),
    Case("hold_deceased", arrears="600.00", flags=DIED),
    Case("hold_dispute", arrears="600.00", flags=DISPUTE),
    Case("hold_benefit_claim", arrears="600.00", flags=CLAIM),
    Case("check_housing_benefit", hb_status="suspended", arrears="600.00"),
    Case("call_returned_direct_debit", dd_return="0", **DD),
    Case("technical_only", action="no_action", **DD),
    Case("review_dhp_ending", arrears="0.00", dhp_ends="2025-07-10"),
    Case("hold_paused", arrears="600.00", hold=HOLD),
    Case(
        "record_court_outcome",
        notice=("nosp", "2024-12-02"),
        court={"applied_on": "2025-04-01", "hearing_on": "2025-06-02"},
    ),
    Case(
        "review_vulnerability_before_warrant",
        action="review_vulnerability",
        diary=[("CBL", "2025-06-01 10:00")],
        flags=VULNERABLE,
        **COURT_BREACH,
    ),
    Case("apply_for_warrant", diary=[("CBL", "2025-06-01 10:00")], **COURT_BREACH),
    Case("send_court_breach_letter", **COURT_BREACH),
    Case(
        "send_hearing_letter",
        notice=("nosp", "2025-02-03"),
        court={"applied_on": "2025-05-20", "hearing_on": "2025-07-10"},
    ),
    Case(
        "review_arrangement",
        arrangement={**KEPT, "review_on": "2025-06-01"},
        weekly_payment="110.00",
        extra_facts={"arrangement_review": datetime(2025, 6, 1)},
    ),
    Case("monitor_arrangement", arrangement=KEPT, weekly_payment="110.00"),
    Case(
        "escalate_broken_arrangement",
        action="send_pre_action_letter",
        arrangement={**BROKEN, "prior_breaches": "1", "expect_breaches": 2},
    ),
    Case("call_about_broken_arrangement", arrangement=BROKEN),
    Case(
        "review_vulnerability_before_court",
        action="review_vulnerability",
        arrears="600.00",
        notice=("nosp", "2025-04-01"),
        diary=[("CALL", "2025-05-01 10:00")],
        flags=VULNERABLE,
    ),
    Case(
        "apply_for_possession",
        arrears="600.00",
        notice=("nosp", "2025-04-01"),
        diary=[("CALL", "2025-05-01 10:00")],
    ),
    Case("call_after_notice", arrears="600.00", notice=("nosp", "2025-05-01")),
    Case(
        "serve_section8",
        arrears="600.00",
        tenure="assured",
        diary=[CALL, IC1, MAR, BCK, ("PAP", "2025-05-01 10:00")],
    ),
    Case(
        "review_vulnerability_before_notice",
        action="review_vulnerability",
        arrears="600.00",
        diary=[CALL, IC1, MAR, BCK, ("PAP", "2025-05-01 10:00")],
        flags=VULNERABLE,
    ),
    Case("serve_nosp", arrears="600.00", diary=[CALL, IC1, MAR, BCK, ("PAP", "2025-05-01 10:00")]),
    Case("send_pre_action_letter", arrears="400.00", diary=[CALL, IC1, MAR, BCK, ARO, VIS]),
    Case("visit", arrears="300.00", diary=[CALL, IC1, MAR, BCK, ARO]),
    Case("offer_arrangement", arrears="300.00", diary=[CALL, IC1, MAR, BCK]),
    Case("check_benefits", arrears="300.00", diary=[CALL, IC1, MAR]),
    Case("refer_money_advice", arrears="300.00", diary=[CALL, IC1]),
    Case("send_arrears_letter", arrears="300.00", diary=[CALL]),
    Case("early_contact", arrears="300.00"),
    Case("no_action", arrears="0.00", action="no_action"),
]

NOP_LIVE = ("nop", "2025-04-01")
SCOTLAND = [
    Case("hold_breathing_space", arrears="600.00", flags=BS),
    Case("hold_mental_health_crisis", arrears="600.00", flags=MHC),
    Case("hold_deceased", arrears="600.00", flags=DIED),
    Case("hold_dispute", arrears="600.00", flags=DISPUTE),
    Case("hold_benefit_claim", arrears="600.00", flags=CLAIM),
    Case("check_housing_benefit", hb_status="suspended", arrears="600.00"),
    Case("call_returned_direct_debit", dd_return="0", **DD),
    Case("technical_only", action="no_action", **DD),
    Case("review_dhp_ending", arrears="0.00", dhp_ends="2025-07-10"),
    Case("hold_paused", arrears="600.00", hold=HOLD),
    Case(
        "tell_local_authority",
        arrears="600.00",
        notice=("nop", "2024-12-02"),
        court={"applied_on": "2025-05-01", "hearing_on": "2025-07-15"},
    ),
    Case(
        "review_arrangement",
        arrangement={**KEPT, "review_on": "2025-06-01"},
        weekly_payment="110.00",
        extra_facts={"arrangement_review": datetime(2025, 6, 1)},
    ),
    Case("monitor_arrangement", arrangement=KEPT, weekly_payment="110.00"),
    Case("call_about_broken_arrangement", arrangement=BROKEN),
    Case("renegotiate_arrangement", arrangement=BROKEN, diary=[("CALL", "2025-06-01 10:00")]),
    Case(
        "review_vulnerability_before_court",
        action="review_vulnerability",
        arrears="600.00",
        notice=NOP_LIVE,
        diary=[("NLV", "2025-05-15 10:00")],
        flags=VULNERABLE,
    ),
    Case(
        "raise_proceedings",
        arrears="600.00",
        notice=NOP_LIVE,
        diary=[("NLV", "2025-05-15 10:00")],
    ),
    Case("notice_live_visit", arrears="600.00", notice=NOP_LIVE),
    Case(
        "review_vulnerability_before_notice",
        action="review_vulnerability",
        arrears="600.00",
        diary=[CALL, IC1, MAR, BCK, ARO, IC2, VIS, ("NPL", "2025-06-05 10:00")],
        flags=VULNERABLE,
    ),
    Case(
        "serve_nop",
        arrears="600.00",
        diary=[CALL, IC1, MAR, BCK, ARO, IC2, VIS, ("NPL", "2025-06-05 10:00")],
    ),
    Case("add_to_notice_list", arrears="600.00", diary=[CALL, IC1, MAR, BCK, ARO, IC2, VIS]),
    Case("home_visit", arrears="600.00", diary=[CALL, IC1, MAR, BCK, ARO, IC2]),
    Case("send_final_notice", arrears="400.00", diary=[CALL, IC1, MAR, BCK, ARO]),
    Case("offer_plan", arrears="300.00", diary=[CALL, IC1, MAR, BCK]),
    Case("advise_housing_costs", arrears="300.00", diary=[CALL, IC1, MAR]),
    Case("refer_money_advice", arrears="300.00", diary=[CALL, IC1]),
    Case("send_reminder_letter", arrears="300.00", diary=[("CALL", "2025-06-01 10:00")]),
    Case("early_dialogue", arrears="300.00"),
    Case("no_action", arrears="0.00", action="no_action"),
]
for case in SCOTLAND:
    case.tenure = "scottish_secure"

POLICIES = {"england": ENGLAND, "scotland": SCOTLAND}


def policy_decision(policy: str, case: Case):
    facts = snapshot_facts(snapshot(case))
    facts.update(case.extra_facts)
    return Evaluator(load_policy(policy)).decide(facts)


@pytest.mark.parametrize("policy", POLICIES)
def test_there_is_a_case_for_every_rule_of_the_policy(policy):
    rules = {r.id for r in load_policy(policy).rules}
    assert rules - {c.rule for c in POLICIES[policy]} == set()


@pytest.mark.parametrize("policy", POLICIES)
def test_each_snapshot_is_decided_by_its_rule(policy):
    for case in POLICIES[policy]:
        decision = policy_decision(policy, case)
        expected_rule = None if case.rule == "no_action" else case.rule
        assert (decision.rule, decision.action) == (expected_rule, case.expected), case.rule


@pytest.mark.parametrize("policy", POLICIES)
def test_the_first_run_after_a_migration_decides_every_case_as_the_policy_does(policy, tmp_path):
    cases = POLICIES[policy]
    export(tmp_path, cases)
    done = sync(tmp_path, source="housing-system")
    assert done.ok, [(r.kind, r.file_errors, r.problems[:3]) for r in done.results]
    run = run_arrears(AS_OF, policy)
    got = {
        r.account.reference: (r.rule, r.action)
        for r in Recommendation.objects.filter(run=run).select_related("account")
    }
    for i, case in enumerate(cases):
        decision = policy_decision(policy, case)
        assert got[ref(i)] == (decision.rule or "", decision.action), (case.rule, got[ref(i)])
        assert got[ref(i)][1] == case.expected, case.rule
