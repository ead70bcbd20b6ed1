"""The conformance examples rentbook ships for every standard flag (src/rentbook/policy/examples):
each shipped policy passes its own file through the real `rentbook policy check --expect`, and
each file holds every standard flag against every notice, court and warrant step of its policy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rentbook.policy.facts import STANDARD_FLAGS
from tests.policy.test_check_command import policy
from tests.policy.test_vulnerable import LEGAL

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "rentbook" / "policy" / "examples"


@pytest.mark.parametrize("name", ["england", "scotland", "hackney"])
def test_each_policy_passes_its_flag_examples(name, monkeypatch):
    path = EXAMPLES / f"{name}-flags.json"
    snapshots = json.loads(path.read_text())
    done = policy("check", name, str(path), "--expect", monkeypatch=monkeypatch)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[-1] == f"{len(snapshots)} passed, 0 failed"
    flags = {f["type"] for s in snapshots for f in s.get("flags", [])}
    assert set(STANDARD_FLAGS) <= flags
    # every legal step, as it stands, with the flag on and with the flag ended
    steps = {s["id"] for s in snapshots if "/" not in s["id"]}
    assert steps == LEGAL[name]
    for step in steps:
        for flag in STANDARD_FLAGS:
            assert {f"{step}/{flag}", f"{step}/{flag}-ended"} <= {s["id"] for s in snapshots}
