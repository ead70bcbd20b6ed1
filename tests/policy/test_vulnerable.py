"""A tenant flagged ``vulnerable``: no notice, court or warrant step in any shipped policy
until a person has reviewed the case (a VRV recorded in the last 28 days).

Equality Act 2010 s15 (a possession claim against a disabled tenant must be proportionate) and
s149 (the public sector equality duty); the Pre-Action Protocol para 6 (the tenant's
vulnerability considered). For every other step, and for every account not so flagged, the
flag changes nothing.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from rentbook.policy.facts import facts_frame
from rentbook.policy.loader import load_policy
from rentbook.policy.snapshots import snapshot_facts
from rentbook.policy.types import day_start
from tests.policy.scenarios import evaluators
from tests.policy.strategies import account, accounts, escalation_account, escalation_accounts

POLICIES = ["england", "scotland", "hackney"]

#: The steps against the tenant in law: a notice, proceedings, a warrant.
LEGAL = {
    "england": {"serve_nosp", "serve_section8", "apply_for_possession", "apply_for_warrant"},
    "scotland": {"serve_nop", "raise_proceedings"},
    "hackney": {
        "send_NOSP",
        "apply_for_court_date",
        "apply_for_outright_possession_warrant",
        "court_breach_no_payment",
    },
}
#: Notice- and court-category actions that are not steps against the tenant: telling the
#: local authority proceedings were raised (s11), and listing the tenant for housing and
#: social work before a notice (East Renfrewshire 2.6.1).
NOT_AGAINST_THE_TENANT = {"tell_local_authority", "add_to_notice_list"}


@pytest.mark.parametrize("policy", POLICIES)
def test_the_legal_steps_are_every_notice_court_and_enforcement_action(policy):
    actions = load_policy(policy).actions.values()
    legal = {a.name for a in actions if a.category in {"notice", "court", "enforcement"}}
    assert legal - NOT_AGAINST_THE_TENANT == LEGAL[policy]


@pytest.mark.parametrize("policy", POLICIES)
def test_every_legal_rule_has_a_review_rule_just_before_it(policy):
    rules = load_policy(policy).rules
    for before, rule in itertools.pairwise(rules):
        if rule.action in LEGAL[policy]:
            if rule.id == "serve_nosp" and before.id == "serve_section8":
                before = rules[rules.index(before) - 1]  # one review covers both notices
            assert before.action == "review_vulnerability", rule.id


def _with(row: dict, **changes) -> dict:
    return {**row, **changes}


@pytest.mark.parametrize("policy", POLICIES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20), more=accounts(10))
def test_property_the_flag_turns_each_legal_step_into_a_review_and_changes_nothing_else(
    policy, rows, more
):
    one, many = evaluators(policy)
    plain = [_with(r, flags=r["flags"] - {"vulnerable"}) for r in rows + more]
    # no review in the window: the history's VRVs are moved out of it
    unreviewed = []
    for r in plain:
        edge = day_start(r["now"] - timedelta(days=28))
        actions = tuple((c, min(at, edge) if c == "VRV" else at) for c, at in r["actions"])
        unreviewed.append(_with(r, actions=actions, flags=r["flags"] | {"vulnerable"}))
    plain_unreviewed = [_with(u, flags=u["flags"] - {"vulnerable"}) for u in unreviewed]
    # a review a moment ago
    reviewed = [
        _with(u, actions=(*u["actions"], ("VRV", u["now"] - timedelta(days=27, hours=23))))
        for u in unreviewed
    ]
    before = many.decide(facts_frame(plain_unreviewed))["action"].to_list()
    flagged = many.decide(facts_frame(unreviewed))["action"].to_list()
    after = many.decide(facts_frame(reviewed))["action"].to_list()
    for row, b, f, a in zip(unreviewed, before, flagged, after, strict=True):
        assert f == ("review_vulnerability" if b in LEGAL[policy] else b)
        assert a == b  # reviewed: as if not flagged
        assert one.decide(row, explain=False).action == f


NOW = "2025-06-18T14:37:00"
# every policy's next step for these is a legal one
DUE = {
    "england": {
        "account": {"arrears": 600.0, "weekly_charge": 100.0},
        "actions": [
            {"code": c, "at": at}
            for c, at in [
                ("CALL", "2025-03-01T10:00"),
                ("IC1", "2025-03-05T10:00"),
                ("MAR", "2025-03-10T10:00"),
                ("BCK", "2025-03-15T10:00"),
                ("PAP", "2025-05-01T10:00"),
            ]
        ],
    },
    "scotland": {
        "account": {"arrears": 600.0, "weekly_charge": 100.0},
        "notice": {"type": "nop", "served": "2025-04-01T12:00:00"},
        "actions": [{"code": "NLV", "at": "2025-05-15T10:00"}],
    },
    "hackney": {
        "account": {"arrears": 500.0, "weekly_charge": 95.0},
        "last_action": {"code": "IC2", "at": "2025-06-02T11:00:00"},
    },
}
STEP = {"england": "serve_nosp", "scotland": "raise_proceedings", "hackney": "send_NOSP"}


def decide(policy: str, flags=(), extra_actions=()):
    blocks = DUE[policy]
    actions = [*blocks.get("actions", []), *extra_actions]
    snap = {"id": "t", "now": NOW, **blocks, "flags": list(flags)}
    if actions:
        snap["actions"] = actions
    facts = snapshot_facts(snap)
    one, many = evaluators(policy)
    decision = one.decide(facts)
    assert many.decide(facts_frame([facts]))["rule"][0] == decision.rule
    return decision


VULNERABLE = {"type": "vulnerable", "from": "2025-01-01"}


@pytest.mark.parametrize("policy", POLICIES)
def test_a_vulnerable_tenants_case_is_reviewed_before_the_step_and_then_goes_on(policy):
    assert decide(policy).action == STEP[policy]
    held = decide(policy, [VULNERABLE])
    assert (held.action, held.category) == ("review_vulnerability", "review")
    assert "the tenant is vulnerable and no person has reviewed the case in the last 28 days" in (
        held.reasons
    )
    # the step's own reasons are still given
    assert set(decide(policy).reasons) <= set(held.reasons)
    reviewed = decide(policy, [VULNERABLE], [{"code": "VRV", "at": "2025-06-10T09:00"}])
    assert reviewed.action == STEP[policy]
    # a review before the midnight starting the day 28 days ago is too old (windows count
    # from midnight): the case is reviewed again
    stale = decide(policy, [VULNERABLE], [{"code": "VRV", "at": "2025-05-21T00:00:00"}])
    assert stale.action == "review_vulnerability"
    just = decide(policy, [VULNERABLE], [{"code": "VRV", "at": "2025-05-21T00:00:01"}])
    assert just.action == STEP[policy]
    # the flag ended: no review needed
    ended = {"type": "vulnerable", "from": "2025-01-01", "to": "2025-06-17"}
    assert decide(policy, [ended]).action == STEP[policy]


@pytest.mark.parametrize("policy", POLICIES)
def test_a_review_is_not_the_last_action(policy):
    """Recording the review does not reset a sequence that reads the last action (hackney's
    NOSP follows letter two; its court date follows the court warning letter)."""
    reviewed = decide(policy, [VULNERABLE], [{"code": "VRV", "at": "2025-06-18T09:00"}])
    assert reviewed.action == STEP[policy]


@pytest.mark.parametrize("policy", POLICIES)
def test_the_same_over_twenty_thousand_seeded_accounts(policy):
    """The property above, over enough accounts that every legal step of the policy a random
    history reaches is among them (the hypothesis test's samples are small)."""
    rnd = random.Random(7)
    rows = [escalation_account(rnd) for _ in range(10_000)] + [account(rnd) for _ in range(10_000)]
    many = evaluators(policy)[1]
    plain = [_with(r, flags=r["flags"] - {"vulnerable"}) for r in rows]
    flagged = [_with(r, flags=r["flags"] | {"vulnerable"}) for r in plain]
    reviewed = [
        _with(r, actions=(*r["actions"], ("VRV", r["now"] - timedelta(days=1)))) for r in flagged
    ]
    before = many.decide(facts_frame(plain))["action"].to_list()
    after = many.decide(facts_frame(reviewed))["action"].to_list()
    for f_row, b, f in zip(
        flagged, before, many.decide(facts_frame(flagged))["action"], strict=True
    ):
        last_review = max((at for c, at in f_row["actions"] if c == "VRV"), default=None)
        fresh = last_review is not None and last_review > day_start(
            f_row["now"] - timedelta(days=28)
        )
        assert f == ("review_vulnerability" if b in LEGAL[policy] and not fresh else b)
    assert after == before
    reached = set(before) & LEGAL[policy]
    assert len(reached) >= 2, reached
