"""A risk score may hold a letter back or bring a call forward, but no notice, court or
enforcement rule may read it, directly or through a derived fact (docs/risk.md)."""

from __future__ import annotations

import pytest

from rentbook.policy.loader import read_policy

HEAD = """
[policy]
name = "p"
title = "t"
description = "d"
jurisdiction = "England"
default = "no_action"

[actions.no_action]
category = "none"
priority = 0
label = "No action"

[actions.call]
category = "contact"
priority = 10
label = "Call"

[actions.serve_notice]
category = "{category}"
priority = 50
label = "Serve a notice"
"""


def policy(when: str, *, category: str = "notice", facts: str = "") -> str:
    return (
        HEAD.format(category=category)
        + (f"\n[facts]\n{facts}\n" if facts else "")
        + f"""
[[rules]]
id = "legal"
action = "serve_notice"
label = "legal"
when = "{when}"

[[rules]]
id = "early_call"
action = "call"
label = "A high risk: call before a payment is missed"
when = "risk_arrears is present and risk_arrears >= 70"
"""
    )


@pytest.mark.parametrize("category", ["notice", "court", "enforcement"])
def test_a_legal_step_that_reads_the_score_is_refused(category):
    p, problems = read_policy(policy("arrears > £500 and risk_arrears >= 50", category=category))
    assert p is None
    assert any(
        f"rule legal: a {category} step may not read the risk score risk_arrears" in x.message
        for x in problems
    ), problems


def test_through_a_derived_fact_too():
    facts = 'risky = { value = "risk_arrears is present and risk_arrears > 80" }\n'
    facts += 'behind = { value = "arrears > £500 and risky" }'
    p, problems = read_policy(policy("behind", facts=facts))
    assert p is None
    assert any("risk_arrears (through behind)" in x.message for x in problems), problems


def test_a_contact_step_may_read_it_and_a_legal_step_without_it_stands():
    p, problems = read_policy(policy("arrears > £500"))
    assert problems == [] and p is not None
    assert {r.id for r in p.rules} == {"legal", "early_call"}


def test_policy_validate_refuses_it(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "risky.toml"
    path.write_text(policy("arrears > £500 and risk_arrears >= 50", category="court"))
    rentbook = Path(sys.executable).with_name("rentbook")
    done = subprocess.run([str(rentbook), "policy", "validate", str(path)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0
    assert "a court step may not read the risk score risk_arrears" in done.stdout + done.stderr


@pytest.mark.parametrize("fact", sorted({"risk_arrangement", "risk_notice", "risk_new_tenancy"}))
def test_every_risk_fact_is_refused_for_a_legal_step(fact):
    from rentbook.policy.facts import RISK_FACTS

    assert fact in RISK_FACTS
    p, problems = read_policy(policy(f"arrears > £500 and {fact} is present and {fact} >= 50"))
    assert p is None
    assert any(f"may not read the risk score {fact}" in x.message for x in problems), problems
