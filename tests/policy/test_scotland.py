"""The scotland policy (East Renfrewshire, seed 002 sections 2.4-2.7 and 3.0, within the
Housing (Scotland) Act 2001), walked a week at a time (tests/policy/scenarios.py).

Each walk starts on Monday 7 April 2025 at 9am with a weekly charge of £100 and records the
code of every recommended action in the diary. Both evaluators decide every step and agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from rentbook.cases.codes import BY_CODE
from rentbook.policy.loader import load_policy
from rentbook.policy.types import Duration, day_start
from tests.policy.scenarios import DEMANDS_PAYMENT, Walk, decisions, recorded
from tests.policy.strategies import escalation_accounts

WEEK = timedelta(weeks=1)
FULL_ESCALATION = [
    ("early_dialogue", "CALL"),  # 2.4: one weekly payment missed
    ("send_reminder_letter", "IC1"),  # 3.0: the week following
    ("refer_money_advice", "MAR"),  # 2.5.2, 3.0
    ("advise_housing_costs", "BCK"),  # s14A(2)(b)
    ("offer_plan", "ARO"),  # s14A(2)(d), 2.5
    ("send_final_notice", "IC2"),  # 3.0
    ("home_visit", "VIS"),  # 2.4: 4 weekly payments missed; 3.0: after the final notice
    ("add_to_notice_list", "NPL"),  # 2.6.1: the weekly list to housing and CHCP
    ("serve_nop", "NOP"),  # s14
    ("no_action", None),
    ("no_action", None),
    ("no_action", None),
    ("no_action", None),  # 4 weeks after service: the earliest date, not yet passed
    ("notice_live_visit", "NLV"),  # 2.6.1
    ("raise_proceedings", "CRT"),  # 2.6.2
    ("tell_local_authority", "S11"),  # s11 Homelessness etc. (Scotland) Act 2003
]


def walk(**kw) -> Walk:
    kw.setdefault("arrears", 10_000)
    kw.setdefault("missed_payments_consecutive", 1)
    return Walk("scotland", **kw)


def test_the_policy_loads_and_every_code_it_uses_is_a_diary_code():
    policy = load_policy("scotland")
    codes = {a.code for a in policy.actions.values() if a.code}
    codes |= {c for group in policy.groups.values() for c in group}
    assert codes - set(BY_CODE) == set()


def test_an_account_that_never_pays_walks_every_step_to_proceedings():
    w = walk()
    w.weeks(len(FULL_ESCALATION))
    assert list(zip(w.actions(), w.codes(), strict=True)) == FULL_ESCALATION, w.table()
    assert w.week().action == "no_action"  # nothing more until the court records a hearing


def test_less_than_a_week_in_arrears_is_left_alone():
    assert walk(arrears=9_999).decide().action == "no_action"
    assert walk(arrears=10_000).decide().action == "early_dialogue"


def test_the_reminder_letter_goes_the_week_after_the_missed_payment_not_the_same_week():
    w = walk()
    w.record("CALL")
    assert w.decide().action == "no_action"
    w.set(now=w.now + timedelta(days=6))
    assert w.decide().action == "send_reminder_letter"
    # or as soon as a second week is missed, whenever the call was
    w = walk(arrears=20_000)
    w.record("CALL")
    assert w.decide().action == "send_reminder_letter"


def test_a_broken_arrangement_is_renegotiated_once_and_a_second_break_leads_to_a_notice():
    w = walk()
    w.weeks(4)  # call, reminder, money advice, housing costs
    assert w.decide().action == "offer_plan"
    w.record("ARR")
    w.set(arrangement_type="informal", arrangement_state="live", arrangement_start=w.now)
    w.set(arrangement_breaches=0)
    w.advance()
    assert {s.action for s in w.weeks(3, paid=12_000)} == {"monitor_arrangement"}
    w.set(arrangement_state="breached", arrangement_breaches=1)
    assert [s.action for s in w.weeks(2)] == [
        "call_about_broken_arrangement",
        "renegotiate_arrangement",
    ]
    w.set(arrangement_state="live", arrangement_start=w.steps[-1].now)  # renegotiated
    assert w.week(paid=12_000).action == "monitor_arrangement"
    w.set(arrangement_state="breached", arrangement_breaches=2)  # broken a second time
    steps = w.weeks(4)
    assert [s.action for s in steps] == [
        "send_final_notice",
        "home_visit",
        "add_to_notice_list",
        "serve_nop",
    ], w.table()


def test_a_renegotiation_the_tenant_will_not_keep_leads_to_the_notice_stage():
    w = walk()
    w.weeks(4)
    w.record("ARR")
    w.set(arrangement_type="informal", arrangement_state="breached", arrangement_start=w.now)
    w.set(arrangement_breaches=1)
    w.advance()
    assert [s.action for s in w.weeks(2)] == [
        "call_about_broken_arrangement",
        "renegotiate_arrangement",
    ]
    # ARRN recorded, but the arrangement is still broken: payment is not made (2.6.1)
    assert w.week().action == "send_final_notice"


@pytest.mark.parametrize(
    "skipped",
    ["refer_money_advice", "advise_housing_costs", "offer_plan", "home_visit"],
)
def test_no_notice_while_a_pre_action_requirement_is_not_recorded(skipped):
    w = walk()
    for _ in range(16):
        step = w.week(record=False) if w.decide().action == skipped else w.week()
        assert step.category != "notice", w.table()
    assert w.actions()[-1] == skipped


def test_the_notice_waits_for_last_weeks_list_and_a_stale_listing_is_listed_again():
    w = walk()
    w.weeks(7)
    assert w.week().recorded == "NPL"
    listed = w.steps[-1].now
    w.set(now=listed + timedelta(days=5, hours=23))
    assert w.decide().action == "no_action"
    w.set(now=listed + timedelta(days=6))
    assert w.decide().action == "serve_nop"
    w.set(now=listed + timedelta(weeks=4))  # "newer than 4 weeks" counts from midnight
    assert w.decide().action == "serve_nop"
    w.set(now=day_start(listed) + timedelta(weeks=4, days=1))
    assert w.decide().action == "add_to_notice_list"


def test_no_proceedings_before_the_notice_goes_live_or_after_six_months_more():
    w = walk()
    w.weeks(9)  # NOP served at week 8
    served = w.facts["notice_served"]
    w.set(now=served + timedelta(weeks=4))
    assert w.decide().action == "no_action"
    w.set(now=served + timedelta(weeks=4, seconds=1))
    assert w.decide().action == "notice_live_visit"
    w.record("NLV")
    w.set(now=w.now + timedelta(days=6))
    assert w.decide().action == "raise_proceedings"
    lapses = Duration.parse("6 months").shift(served + timedelta(weeks=4), 1)
    w.set(now=lapses - timedelta(seconds=1))
    assert w.decide().action == "raise_proceedings"
    w.set(now=lapses)
    assert w.decide().category != "court"


def test_proceedings_wait_a_week_after_the_notice_live_visit():
    w = walk()
    w.weeks(13)
    assert w.week().action == "notice_live_visit"
    w.record("CALL")  # a call since the visit does not stand in for it
    assert w.decide().action == "raise_proceedings"
    w = walk()
    w.weeks(13)
    w.record("NLV")
    assert w.decide().action == "no_action"


def test_a_plan_agreed_after_the_notice_stops_proceedings():
    w = walk()
    w.weeks(13)
    w.set(arrangement_type="informal", arrangement_state="live", arrangement_start=w.now)
    assert {s.action for s in w.weeks(4, paid=12_000)} == {"monitor_arrangement"}


def test_a_former_tenancy_is_not_pursued_by_this_policy():
    w = walk(tenancy_end=datetime(2025, 4, 1).date())
    assert {s.action for s in w.weeks(10)} == {"no_action"}


def test_the_notice_decision_explains_the_pre_action_requirements():
    w = walk()
    w.weeks(8)
    decision = w.decide()
    assert decision.action == "serve_nop"
    assert {
        "a notice of proceedings is due",
        "on the notice list to housing and social work",
        "listed a week or more ago",
    } <= set(decision.reasons), decision.reasons


# ---- holds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "hold"),
    [
        ("breathing_space", "hold_breathing_space"),
        ("mental_health_crisis", "hold_mental_health_crisis"),
        ("benefit_claim_pending", "hold_benefit_claim"),
    ],
)
def test_a_hold_stops_the_escalation_where_it_is_and_it_resumes_after(flag, hold):
    w = walk()
    w.weeks(8)  # the notice of proceedings is due this week
    w.set(flags={flag})
    held = w.weeks(6)
    assert {s.action for s in held} == {hold}
    assert all(s.category == "hold" and s.recorded is None for s in held)
    w.set(flags=set())
    assert w.week().action == "add_to_notice_list"  # the old listing is stale: list again


def test_breathing_space_holds_proceedings_and_the_notice_live_visit():
    w = walk()
    w.weeks(13)  # the notice goes live this week
    w.set(flags={"breathing_space"})
    assert {s.category for s in w.weeks(4)} == {"hold"}
    assert not {s.category for s in w.steps if s.facts["flags"]} & DEMANDS_PAYMENT


def test_arrears_that_are_only_money_on_its_way_are_not_chased():
    w = walk(arrears=30_000, technical_arrears=30_000)
    step = w.week()
    assert (step.action, step.decision.rule) == ("no_action", "technical_only")


def test_a_pause_holds_until_it_ends():
    w = walk()
    w.weeks(2)
    w.set(pause_until=w.now + 2 * WEEK)
    assert [s.action for s in w.weeks(3)] == ["hold_paused", "hold_paused", "refer_money_advice"]


# ---- properties over generated accounts --------------------------------------------------

SIX_MONTHS = Duration.parse("6 months")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_a_notice_only_follows_every_pre_action_requirement(rows):
    for facts, d in zip(rows, decisions("scotland", rows), strict=True):
        if d.category != "notice":
            continue
        now = facts["now"]
        since = day_start(SIX_MONTHS.shift(now, -1))
        contact = {"CALL", "CALLNA", "SMS", "GMS", "EMAIL", "INT", "VIS", "VISNA", "NLV"}
        assert recorded(facts, contact, since), "contact attempted"
        assert recorded(facts, {"IC1", "IC2", "STMT", "PAP"}, since), "written to"
        assert recorded(facts, {"MAR"}, since), "money advice"
        assert recorded(facts, {"BCK", "BEN", "DHP", "APA"}, since), "housing costs"
        start = facts["arrangement_start"]
        assert recorded(facts, {"ARO", "ARR", "ARRN", "PTP"}, since) or (
            start is not None and start > since
        ), "a plan offered"
        assert recorded(facts, {"IC2"}, since), "final notice"
        assert recorded(facts, {"VIS", "VISNA"}, since), "visited"
        if d.action == "serve_nop":
            lists = [at for c, at in facts["actions"] if c == "NPL"]
            edge = day_start(now - timedelta(weeks=4))
            assert any(edge < at <= now - timedelta(days=6) for at in lists), "listed"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_no_proceedings_before_the_notice_period_ends(rows):
    for facts, d in zip(rows, decisions("scotland", rows), strict=True):
        if d.action == "tell_local_authority":
            # the s11 notice reports proceedings already raised: a CRT in the last 6 months
            edge = day_start(SIX_MONTHS.shift(facts["now"], -1))
            assert recorded(facts, {"CRT"}, edge)
        elif d.category == "court":
            served, now = facts["notice_served"], facts["now"]
            assert served is not None and served + timedelta(weeks=4) < now
            if facts["notice_expires"] is not None:
                assert now < facts["notice_expires"]
            else:
                assert now < SIX_MONTHS.shift(served + timedelta(weeks=4), 1)
            visits = [at for c, at in facts["actions"] if c == "NLV" and at >= served]
            assert visits and max(visits) <= now - timedelta(days=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_nothing_demands_payment_in_a_breathing_space(rows):
    for facts, d in zip(rows, decisions("scotland", rows), strict=True):
        if facts["flags"] & {"breathing_space", "mental_health_crisis"}:
            assert d.category == "hold" and d.category not in DEMANDS_PAYMENT
