"""The england and scotland policies use the arrangement facts as the issue says: the first
breach gets contact, the second the policy's next stage; a due review reaches the worktray."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.policy.scenarios import Walk


def _kept(policy: str) -> Walk:
    w = Walk(policy, arrears=30_000, missed_payments_consecutive=1)
    w.set(
        arrangement_type="informal",
        arrangement_state="live",
        arrangement_start=w.now,
        arrangement_breaches=0,
        arrangement_review=(w.now + timedelta(weeks=13)).date(),
        arrangement_could_pay_more=False,
    )
    return w


def test_england_first_breach_contact_second_breach_the_next_stage():
    w = _kept("england")
    w.weeks(2)
    w.set(arrangement_state="breached", arrangement_breaches=1)
    assert w.decide().action == "call_about_broken_arrangement"
    w.record("CALL")
    w.advance()
    w.set(arrangement_state="live")
    assert w.decide().action == "monitor_arrangement"
    w.advance()
    w.set(arrangement_state="breached", arrangement_breaches=2)
    decision = w.decide()
    assert decision.rule == "escalate_broken_arrangement"
    assert decision.action == "send_pre_action_letter"


def test_scotland_second_breach_goes_to_the_notice_list():
    w = _kept("scotland")
    for code in ("CALL", "IC1", "MAR", "BCK", "ARR", "IC2", "VIS"):
        w.record(code)
    w.advance()
    w.set(arrangement_state="breached", arrangement_breaches=1)
    assert w.decide().action == "call_about_broken_arrangement"
    w.set(arrangement_state="breached", arrangement_breaches=2)
    assert w.decide().action in {"add_to_notice_list", "serve_nop"}


@pytest.mark.parametrize("policy", ["england", "scotland"])
def test_a_due_review_reaches_the_worktray(policy):
    w = _kept(policy)
    assert w.decide().action == "monitor_arrangement"
    w.set(arrangement_review=w.now.date())
    decision = w.decide()
    assert decision.action == "review_arrangement" and decision.category == "review"
    w.set(arrangement_review=(w.now + timedelta(weeks=13)).date(), arrangement_could_pay_more=True)
    assert w.decide().action == "review_arrangement"
    # a broken arrangement is not "reviewed": it is chased
    w.set(arrangement_state="breached", arrangement_breaches=1)
    assert w.decide().action != "review_arrangement"
