"""A policy with mistakes is refused, with every mistake reported as file:line: message."""

from __future__ import annotations

import textwrap

import pytest

from rentbook.policy.loader import PolicyError, load_policy, read_policy
from rentbook.policy.syntax import ParseError, parse

GOOD_HEAD = """\
[policy]
name = "t"
title = "T"
description = "d"
jurisdiction = "England"
default = "none"

[actions.none]
category = "none"
priority = 0
label = "Nothing"
"""


def problems(body: str) -> list[str]:
    policy, found = read_policy(GOOD_HEAD + textwrap.dedent(body), "t.toml")
    assert policy is None
    return [str(p) for p in found]


def test_the_shipped_hackney_policy_loads():
    assert load_policy("hackney").name == "hackney"


def test_an_unknown_fact_is_reported_with_its_line_and_column():
    found = problems("""
        [[rules]]
        id = "r"
        action = "none"
        label = "r"
        when = "arrears >= £10 and arreas > £0"
        """)
    assert found == ["t.toml:17: unknown fact or parameter 'arreas' (column 28)"]


def test_comparing_money_with_a_date_is_a_type_error():
    found = problems("""
        [[rules]]
        id = "r"
        action = "none"
        label = "r"
        when = "arrears > court_date"
        """)
    assert found == ["t.toml:17: cannot compare money with a date (column 9)"]


def test_comparing_money_with_a_bare_number_suggests_pounds():
    found = problems("""
        [[rules]]
        id = "r"
        action = "none"
        label = "r"
        when = "arrears > 10"
        """)
    assert "write money as £10.00" in found[0]


def test_every_mistake_is_reported_not_only_the_first():
    found = problems("""
        [groups]
        letters = ["IC1"]

        [facts]
        loop_a = "loop_b + £1"
        loop_b = "loop_a + £1"

        [actions.visit]
        category = "knock"
        priority = "high"
        label = "Visit"

        [[rules]]
        id = "r"
        action = "phone"
        label = "r"
        when = "last_action_code in leters"

        [[rules]]
        id = "r"
        action = "none"
        label = "again"
        when = '''
        arrears > £0
        and (flag holiday or weekly_charge older than 3 months)
        '''
        """)
    text = "\n".join(found)
    assert "loop_b" not in text.replace("loop_a → loop_b → loop_a", "")  # no knock-on errors
    assert "t.toml:17: derived facts refer to each other in a loop" in text
    assert "t.toml:21: action visit: category 'knock' is not one of" in text
    assert "t.toml:22: action visit: priority must be a whole number" in text
    assert "t.toml:27: rule r: action 'phone' is not declared in [actions]" in text
    assert "t.toml:29: unknown code group 'leters' (column 9)" in text
    assert "t.toml:32: duplicate rule id 'r'" in text
    assert "t.toml:37: unknown flag 'holiday'" in text
    assert "t.toml:37: only a date can be older than a duration, not money" in text


def test_a_syntax_error_names_its_line_and_column_inside_a_multiline_condition():
    found = problems("""
        [[rules]]
        id = "r"
        action = "none"
        label = "r"
        when = '''
        arrears > £0
        and (weekly_charge > £1
        '''
        """)
    assert found == ["t.toml:20: expected ')' but found the end of the condition (column 1)"]


def test_a_rule_naming_an_undeclared_default_or_unknown_category_is_refused():
    policy, found = read_policy(
        GOOD_HEAD.replace('default = "none"', 'default = "nothing"'), "t.toml"
    )
    assert policy is None
    assert [str(p) for p in found] == [
        "t.toml:6: default action 'nothing' is not declared in [actions]"
    ]


def test_unknown_keys_are_refused_so_typos_do_not_pass_silently():
    found = problems("""
        [[rules]]
        id = "r"
        action = "none"
        label = "r"
        wehn = "arrears > £0"
        """)
    assert "t.toml:17: unknown key 'wehn' in a rule" in found
    assert "t.toml:13: when must be an expression in a string" in found


def test_invalid_toml_reports_the_line():
    policy, found = read_policy(GOOD_HEAD + "\n[[rules]\n", "t.toml")
    assert policy is None
    assert str(found[0]).startswith("t.toml:13: not valid TOML")


def test_parameters_are_typed_from_their_text():
    found = problems("""
        [parameters]
        limit = "£10.001"
        gap = "3 fortnights"
        arrears = "£1.00"
        """)
    assert "t.toml:14: parameter limit: '£10.001' is not an amount in pounds and pence" in found
    assert any(p.startswith("t.toml:15: parameter gap:") for p in found)
    assert "t.toml:16: 'arrears' is already a base fact" in found


def test_a_missing_policy_file_is_a_policy_error():
    with pytest.raises(PolicyError) as e:
        load_policy("/nonexistent/policy.toml")
    assert "cannot read the policy" in str(e.value)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "arrears.__class__",
        "open('x')",
        "lambda: 1",
        "arrears >= £10; import os",
    ],
)
def test_python_is_not_part_of_the_language(text):
    with pytest.raises(ParseError):
        parse(text)


def test_a_rule_id_or_action_name_longer_than_the_run_stores_is_refused():
    # Recommendation.rule and .action are 60 characters: a longer one failed the run's store
    long = "r" * 61
    found = problems(f"""
        [actions.{long}]
        category = "none"
        priority = 0
        label = "x"

        [[rules]]
        id = "{long}"
        action = "none"
        label = "r"
        when = "arrears > £0"
        """)
    assert any("longer than 60 characters" in p and "action" in p for p in found)
    assert any("rule id" in p and "longer than 60 characters" in p for p in found)


def test_the_run_stores_names_as_long_as_the_loader_allows():
    from rentbook.engine.models import Recommendation
    from rentbook.policy.loader import MAX_NAME

    for field in ("rule", "action"):
        assert Recommendation._meta.get_field(field).max_length == MAX_NAME
    for name in ("hackney", "england", "scotland"):
        policy = load_policy(name)
        assert all(len(r.id) <= MAX_NAME for r in policy.rules)
