"""`rentbook policy check` and `rentbook policy validate`, as shared/conformance/FORMAT.md says."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

RENTBOOK = str(Path(sys.executable).with_name("rentbook"))
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "examples.json"


def rentbook(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess: slow (Django starts), so used once."""
    return subprocess.run(
        [RENTBOOK, "policy", *args], input=stdin, capture_output=True, text=True, check=False
    )


def policy(*args: str, stdin: str | None = None, monkeypatch=None) -> subprocess.CompletedProcess:
    """The same command in this process."""
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        call_command("policy", *args, stdout=out, stderr=err)
    except SystemExit as e:
        code = int(e.code or 0)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def lines(done: subprocess.CompletedProcess) -> list:
    return [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]


def test_check_with_expect_passes_the_published_examples():
    done = rentbook("check", "hackney", str(EXAMPLES), "--expect")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "6 passed, 0 failed"
    first = lines(done)[0]
    assert first["id"] == "ex-1" and first["action"] == "send_letter_one"
    assert first["category"] == "letter" and first["rule"] == "send_letter_one"
    assert "effective arrears £10.00 ≥ £10.00" in first["reasons"]


def test_check_reads_standard_input_and_keeps_input_order(monkeypatch):
    cases = json.loads(EXAMPLES.read_text())
    for c in cases:
        c.pop("expect")
    done = policy(
        "check", "hackney", "-", stdin=json.dumps(list(reversed(cases))), monkeypatch=monkeypatch
    )
    assert done.returncode == 0
    assert [x["id"] for x in lines(done)] == [c["id"] for c in reversed(cases)]


def test_a_failed_expectation_is_counted_and_exits_1(monkeypatch):
    cases = [
        {"id": "a", "now": "2025-06-18", "account": {"arrears": 20, "weekly_charge": 10},
         "expect": "send_NOSP"},
        {"id": "b", "now": "2025-06-18", "expect_not": "send_NOSP"},
    ]  # fmt: skip
    done = policy(
        "check", "hackney", "-", "--expect", stdin=json.dumps(cases), monkeypatch=monkeypatch
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert lines(done)[0]["passed"] is False and lines(done)[1]["passed"] is True


def test_a_bad_snapshot_gets_an_error_line_and_the_others_are_still_decided(monkeypatch):
    cases = [
        {"id": "bad", "now": "2025-06-18", "account": {"arrears": "twelve"}},
        {"id": "good", "now": "2025-06-18", "account": {"arrears": 20, "weekly_charge": 10}},
    ]
    done = policy("check", "hackney", "-", stdin=json.dumps(cases), monkeypatch=monkeypatch)
    assert done.returncode == 1
    bad, good = lines(done)
    assert bad["error"]["field"] == "account.arrears"
    assert "pounds" in bad["error"]["reason"]
    assert good["action"] == "send_letter_one"


def test_a_policy_that_does_not_load_exits_2_naming_file_and_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[policy]\nname = "x"\n\n[[rules]]\nid = 3\n')
    done = policy("check", str(broken), str(EXAMPLES))
    assert done.returncode == 2
    assert f"{broken}:5: every rule needs an id" in done.stderr


def test_validate_says_ok_for_a_good_policy_and_lists_problems_for_a_bad_one(tmp_path):
    assert policy("validate", "hackney").stdout.strip() == "ok"
    broken = tmp_path / "broken.toml"
    broken.write_text('[policy]\nname = "x"\n')
    done = policy("validate", str(broken))
    assert done.returncode == 2
    assert f"{broken}:1: [policy] needs title (text)" in done.stderr


@pytest.mark.parametrize("text", ["not json", '{"id": "x"}'])
def test_a_file_that_is_not_a_json_array_is_refused(text, monkeypatch):
    done = policy("check", "hackney", "-", stdin=text, monkeypatch=monkeypatch)
    assert done.returncode == 1
    assert done.stderr.strip()
