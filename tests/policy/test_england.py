"""The england policy, walked a week at a time (tests/policy/scenarios.py).

Each walk starts on Monday 7 April 2025 at 9am with a weekly charge of £100 and records the
code of every recommended action in the diary, as an officer following the worktray would.
Every step is decided by both evaluators, which must agree.
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

TECHNICAL = (
    "the arrears are only money on its way"
    " (technical arrears: a direct debit due, Housing Benefit or a UC managed payment)"
)

WEEK = timedelta(weeks=1)
FULL_ESCALATION = [
    ("early_contact", "CALL"),
    ("send_arrears_letter", "IC1"),
    ("refer_money_advice", "MAR"),
    ("check_benefits", "BCK"),
    ("offer_arrangement", "ARO"),
    ("visit", "VIS"),
    ("send_pre_action_letter", "PAP"),
    ("no_action", None),  # 14 days for an answer to the pre-action letter
    ("serve_nosp", "NOSP"),
    ("call_after_notice", "CALL"),
    ("no_action", None),
    ("no_action", None),
    ("no_action", None),  # the NOSP's earliest date is today: not yet passed
    ("apply_for_possession", "CRT"),
]
PRE_ACTION = {"CALL": "contact", "IC1": "written", "MAR": "advice", "BCK": "benefits"}


def walk(**kw) -> Walk:
    kw.setdefault("arrears", 10_000)
    kw.setdefault("missed_payments_consecutive", 1)
    return Walk("england", **kw)


def test_the_policy_loads_and_every_code_it_uses_is_a_diary_code():
    policy = load_policy("england")
    codes = {a.code for a in policy.actions.values() if a.code}
    codes |= {c for group in policy.groups.values() for c in group}
    assert codes - set(BY_CODE) == set()


def test_an_account_that_never_pays_walks_every_step_of_the_protocol_to_court():
    w = walk()
    w.weeks(len(FULL_ESCALATION))
    assert list(zip(w.actions(), w.codes(), strict=True)) == FULL_ESCALATION, w.table()
    nosp, court = w.step_of("serve_nosp"), w.step_of("apply_for_possession")
    assert court.now > nosp.now + timedelta(weeks=4)


def test_the_hearing_letter_then_the_court_outcome_is_asked_for():
    w = walk()
    w.weeks(len(FULL_ESCALATION))
    w.set(court_date=w.now + 5 * WEEK)
    assert w.week().recorded == "HRG"
    assert w.actions()[-1] == "send_hearing_letter"
    assert {s.action for s in w.weeks(4)} == {"no_action"}  # waiting for the hearing
    assert w.week().action == "record_court_outcome"


def test_a_warrant_only_after_the_court_order_is_broken_and_a_letter_has_gone():
    w = walk()
    w.weeks(len(FULL_ESCALATION))
    hearing = w.now + WEEK
    w.set(court_date=hearing)
    w.weeks(2)
    # a postponed possession order on terms, kept: nothing to do
    w.set(
        court_outcome="PPO",
        court_terms=True,
        arrangement_type="formal",
        arrangement_state="live",
        arrangement_start=hearing,
    )
    kept = w.weeks(3)
    assert {s.action for s in kept} == {"monitor_arrangement"}
    w.set(arrangement_state="breached", arrangement_breaches=1)
    assert [s.action for s in w.weeks(3)] == [
        "send_court_breach_letter",
        "apply_for_warrant",
        "no_action",
    ], w.table()
    assert w.codes()[-3:] == ["CBL", "WPA", None]


def test_no_warrant_when_the_order_is_not_broken_or_no_order_was_made():
    w = walk()
    w.weeks(len(FULL_ESCALATION))
    w.set(court_date=w.now - WEEK, court_outcome="ADJ")  # adjourned: no order on terms
    assert {s.category for s in w.weeks(6)} & {"enforcement"} == set()
    # an informal arrangement broken after the hearing is not a breach of the court's order
    w.set(arrangement_type="informal", arrangement_state="breached", arrangement_start=w.now)
    assert {s.category for s in w.weeks(6)} & {"enforcement"} == set()


@pytest.mark.parametrize("skipped", ["check_benefits", "refer_money_advice", "send_arrears_letter"])
def test_no_notice_while_a_pre_action_step_is_not_recorded(skipped):
    # the officer never records the step: the policy keeps asking for it, never for a notice
    w = walk()
    for _ in range(16):
        step = w.week(record=False) if w.decide().action == skipped else w.week()
        assert step.category != "notice", w.table()
    assert w.actions()[-1] == skipped


def test_no_notice_without_the_pre_action_letter_or_before_its_14_days():
    w = walk()
    w.weeks(6)
    assert w.week(record=False).action == "send_pre_action_letter"
    assert w.week(record=False).action == "send_pre_action_letter"
    w.record("PAP", w.now - timedelta(days=13, hours=23))
    assert w.decide().action == "no_action"
    w.set(now=w.now + timedelta(hours=1))
    assert w.decide().action == "serve_nosp"


def test_no_notice_below_four_weeks_of_arrears():
    w = walk()
    w.weeks(8)
    w.set_arrears(39_999)
    assert w.decide().action == "no_action"
    w.set_arrears(40_000)
    assert w.decide().action == "serve_nosp"


def test_no_court_step_before_the_notice_period_ends_or_after_the_notice_lapses():
    w = walk()
    w.weeks(10)  # NOSP served at week 8, called at week 9
    served = w.facts["notice_served"]
    w.set(now=served + timedelta(weeks=4))
    assert w.decide().action == "no_action"  # the earliest date, not yet passed
    w.set(now=served + timedelta(weeks=4, seconds=1))
    assert w.decide().action == "apply_for_possession"
    lapses = Duration.parse("12 months").shift(served + timedelta(weeks=4), 1)
    w.set(now=lapses - timedelta(seconds=1))
    assert w.decide().action == "apply_for_possession"
    w.set(now=lapses)
    assert w.decide().category != "court"


def test_an_assured_tenancy_gets_a_section_8_notice_and_the_same_wait_before_court():
    w = walk(flags={"assured_tenancy"})
    w.weeks(len(FULL_ESCALATION))
    assert "S8" in w.codes() and "NOSP" not in w.codes()
    assert w.step_of("serve_section8").week == 8
    assert w.step_of("apply_for_possession").week == 13


def test_an_arrangement_kept_postpones_everything_and_a_broken_one_gets_a_call_first():
    w = walk()
    w.weeks(4)  # call, letter, advice, benefits
    assert w.decide().action == "offer_arrangement"
    w.record("ARR")
    w.set(arrangement_type="informal", arrangement_state="live", arrangement_start=w.now)
    w.advance()
    assert {s.action for s in w.weeks(4, paid=15_000)} == {"monitor_arrangement"}
    w.set(arrangement_state="breached", arrangement_breaches=1)
    steps = w.weeks(5)
    assert [s.action for s in steps] == [
        "call_about_broken_arrangement",
        "visit",
        "send_pre_action_letter",
        "no_action",
        "serve_nosp",
    ], w.table()


def test_only_true_arrears_are_pursued():
    # £500 owed, £300 of it housing benefit on its way: £200 is the tenant's, 2 weeks
    w = walk(arrears=50_000, technical_arrears=30_000)
    w.weeks(6)
    assert w.actions()[-1] == "visit"
    w.set_arrears(w.facts["arrears"], technical=w.facts["arrears"] - 29_999)
    assert w.decide().action == "no_action"  # £299.99: under the 3 weeks for the letter


def test_a_former_tenancy_is_not_pursued_by_this_policy():
    w = walk(tenancy_end=datetime(2025, 4, 1).date())
    assert {s.action for s in w.weeks(10)} == {"no_action"}


def test_no_action_on_small_arrears_or_credit():
    assert walk(arrears=999, missed_payments_consecutive=1).decide().action == "no_action"
    assert walk(arrears=-5_000).decide().action == "no_action"


def test_the_notice_decision_explains_the_pre_action_steps():
    w = walk()
    w.weeks(8)
    decision = w.decide()
    assert decision.action == "serve_nosp"
    assert {
        "the pre-action steps are recorded",
        "the pre-action letter went at least 14 days ago",
        "arrears pursued £900.00 ≥ £400.00 (4 weeks of charge)",
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
    w.weeks(8)  # the NOSP is due this week
    w.set(flags={flag})
    held = w.weeks(8)
    assert {s.action for s in held} == {hold}
    assert all(s.category == "hold" and s.recorded is None for s in held)
    w.set(flags=set())
    assert w.week().action == "serve_nosp"


def test_breathing_space_holds_every_stage_including_court_and_warrant():
    w = walk()
    w.weeks(len(FULL_ESCALATION) - 1)  # the court application is due next
    w.set(flags={"breathing_space"})
    assert w.week().action == "hold_breathing_space"
    hearing = w.now + WEEK
    w.set(court_date=hearing, court_outcome="PPO", arrangement_type="formal")
    w.set(arrangement_state="breached", arrangement_start=hearing)
    steps = w.weeks(6)
    assert {s.category for s in steps} == {"hold"}
    assert not {s.category for s in w.steps if s.facts["flags"]} & DEMANDS_PAYMENT


def test_arrears_that_are_only_money_on_its_way_are_not_chased():
    w = walk(arrears=30_000, technical_arrears=30_000)
    step = w.week()
    assert (step.action, step.decision.rule) == ("no_action", "technical_only")
    assert TECHNICAL in step.decision.reasons
    w.set_arrears(30_000, technical=29_999)  # a penny is the tenant's: not technical (too small)
    assert (w.decide().action, w.decide().rule) != ("no_action", "technical_only")


def test_a_pause_holds_until_it_ends():
    w = walk()
    w.weeks(3)
    w.set(pause_until=w.now + 2 * WEEK)
    assert [s.action for s in w.weeks(3)] == ["hold_paused", "hold_paused", "check_benefits"]


# ---- properties over generated accounts --------------------------------------------------

SIX_MONTHS = Duration.parse("6 months")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_a_notice_only_follows_every_pre_action_step(rows):
    # each account twice: as a secure tenancy (NOSP) and as an assured one (section 8)
    rows = rows + [{**r, "flags": r["flags"] | {"assured_tenancy"}} for r in rows]
    for facts, d in zip(rows, decisions("england", rows), strict=True):
        if d.category != "notice":
            continue
        now = facts["now"]
        since = day_start(SIX_MONTHS.shift(now, -1))
        contact = {"CALL", "CALLNA", "SMS", "GMS", "EMAIL", "INT", "VIS", "VISNA"}
        assert recorded(facts, contact, since), "contact attempted"
        assert recorded(facts, {"IC1", "IC2", "PAP", "STMT"}, since), "written to"
        assert recorded(facts, {"MAR"}, since), "advice signposted"
        assert recorded(facts, {"BCK", "BEN", "DHP", "APA"}, since), "benefits considered"
        paps = [at for c, at in facts["actions"] if c == "PAP" and at > since]
        assert paps and max(paps) <= now - timedelta(days=14), "pre-action letter answered"
        owed = facts["true_arrears"] if facts["true_arrears"] is not None else facts["arrears"]
        assert owed >= 4 * facts["weekly_charge"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_no_court_step_before_the_notice_period_ends(rows):
    for facts, d in zip(rows, decisions("england", rows), strict=True):
        if d.category != "court":
            continue
        served, now = facts["notice_served"], facts["now"]
        assert served is not None and served + timedelta(weeks=4) < now
        year = Duration.parse("12 months")
        if facts["notice_expires"] is not None:
            assert now < facts["notice_expires"]
        elif facts["notice_type"] == "section8":
            assert now < year.shift(served, 1)
        else:
            assert now < year.shift(served + timedelta(weeks=4), 1)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=escalation_accounts(20))
def test_property_nothing_demands_payment_in_a_breathing_space(rows):
    for facts, d in zip(rows, decisions("england", rows), strict=True):
        if facts["flags"] & {"breathing_space", "mental_health_crisis"}:
            assert d.category == "hold" and d.category not in DEMANDS_PAYMENT
