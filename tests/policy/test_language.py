"""The language's meaning, construct by construct, through the per-account evaluator (the
property tests show the vectorised one agrees)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rentbook.policy.evaluate import Evaluator
from rentbook.policy.facts import empty_facts
from rentbook.policy.loader import read_policy
from rentbook.policy.types import Duration

HEAD = """
[policy]
name = "t"
title = "T"
description = "d"
jurisdiction = "England"
default = "no"
flags = ["rent_free"]

[parameters]
gap = "3 months"

[groups]
letters = ["IC1", "IC2"]

[facts]
grace = "arrears - max(£0, if_missing(weekly_charge, £0) - if_missing(paid_this_week, £0))"
last_letter = "last_action_in(letters)"

[actions.no]
category = "none"
priority = 0
label = "No"

[actions.yes]
category = "letter"
priority = 1
label = "Yes"

[[rules]]
id = "it"
action = "yes"
label = "it"
when = '''{when}'''
"""
NOW = datetime(2025, 3, 31, 14, 37)


def holds(when: str, **facts) -> bool:
    policy, problems = read_policy(HEAD.replace("{when}", when), "t.toml")
    assert policy is not None, [str(p) for p in problems]
    f = {**empty_facts(), "now": NOW, **facts}
    return Evaluator(policy).decide(f).rule == "it"


def test_older_than_counts_from_the_midnight_starting_the_day_calendar_months_clamped():
    # 31 March less one month is 28 February (clamped), so the edge is 28 Feb 00:00
    assert holds("last_action_at older than 1 month", last_action_at=datetime(2025, 2, 28))
    assert not holds(
        "last_action_at older than 1 month", last_action_at=datetime(2025, 2, 28, 0, 0, 1)
    )
    assert holds("last_action_at newer than 1 month", last_action_at=datetime(2025, 2, 28, 0, 1))


def test_windows_and_comparisons_with_a_missing_value_are_false_and_not_makes_them_true():
    assert not holds("last_action_at older than 7 days")
    assert not holds("last_action_at newer than 7 days")
    assert holds("not last_action_at newer than 7 days")
    assert not holds("arrears != £5.00")
    assert holds("not arrears == £5.00")
    assert not holds("last_action_code in letters")
    assert holds("last_action_code not in letters")


def test_arithmetic_with_a_missing_value_is_missing_unless_if_missing_supplies_one():
    assert not holds("grace >= £0")  # no arrears, so no grace
    assert holds("grace == £15.00", arrears=2500, weekly_charge=1000)
    assert holds("grace == £20.00", arrears=2500, weekly_charge=1000, paid_this_week=500)
    assert not holds("max(arrears, weekly_charge) > £0", arrears=100)


def test_weeks_of_charge_multiply_the_weekly_charge():
    assert holds("arrears >= 4 weeks of charge", arrears=38000, weekly_charge=9500)
    assert not holds("arrears >= 4 weeks of charge", arrears=37999, weekly_charge=9500)
    assert not holds("arrears >= 4 weeks of charge", arrears=38000)


def test_flags_membership_dates_held_as_dates_and_the_latest_action_of_a_group():
    assert holds("flag rent_free", flags=frozenset({"rent_free"}))
    assert not holds("flag breathing_space", flags=frozenset({"rent_free"}))
    assert holds("tenancy_start + 2 years <= now", tenancy_start=date(2023, 3, 31))
    history = (("IC1", datetime(2024, 12, 31)), ("GMS", datetime(2025, 3, 1)))
    assert holds("last_letter older than gap", actions=history)
    assert not holds("last_letter newer than gap", actions=history)


@pytest.mark.parametrize(
    ("start", "span", "sign", "expected"),
    [
        (datetime(2024, 1, 31), "1 month", 1, datetime(2024, 2, 29)),
        (datetime(2025, 3, 31), "1 month", -1, datetime(2025, 2, 28)),
        (datetime(2024, 2, 29), "1 year", 1, datetime(2025, 2, 28)),
        (datetime(2025, 6, 18, 14, 37), "52 weeks", 1, datetime(2026, 6, 17, 14, 37)),
    ],
)
def test_durations_move_by_calendar_months_clamped_to_the_month_end(start, span, sign, expected):
    assert Duration.parse(span).shift(start, sign) == expected


def test_reasons_explain_why_a_negated_condition_held():
    policy, _ = read_policy(
        HEAD.replace(
            "{when}", "not (last_action_code in letters and last_action_at newer than gap)"
        ),
        "t.toml",
    )
    f = {**empty_facts(), "now": NOW, "last_action_code": "IC1",
         "last_action_at": datetime(2024, 12, 1)}  # fmt: skip
    reasons = Evaluator(policy).decide(f).reasons
    assert reasons == ("last action date 2024-12-01 is not newer than 3 months",)


def test_a_fact_explained_by_parts_gives_its_conditions_as_the_reasons():
    def reasons(spec: str) -> tuple[str, ...]:
        text = HEAD.replace("[facts]\n", f"[facts]\n{spec}\n").replace("{when}", "due")
        policy, problems = read_policy(text, "t.toml")
        assert policy is not None, [str(p) for p in problems]
        f = {**empty_facts(), "now": NOW, "arrears": 5000, "weekly_charge": 1000}
        return Evaluator(policy).decide(f).reasons

    parts = 'due = { value = "arrears >= £40 and weekly_charge is present", explain = "parts" }'
    assert reasons(parts) == ("arrears £50.00 ≥ £40.00", "weekly charge £10.00")
    worded = 'due = { value = "arrears >= £40 and weekly_charge is present", yes = "it is due" }'
    assert reasons(worded) == ("it is due",)
    wrong = HEAD.replace(
        "[facts]\n", '[facts]\ndue = { value = "arrears > £0", explain = "all" }\n'
    )
    policy, problems = read_policy(wrong.replace("{when}", "due"), "t.toml")
    assert policy is None
    assert any('explain must be "parts"' in str(p) for p in problems)
