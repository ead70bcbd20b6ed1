"""`rentbook policy check`: decide a file of snapshots and print one JSON line each.

Kept apart from the management command so tests can call it with plain values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rentbook.policy.evaluate import Evaluator
from rentbook.policy.model import Policy
from rentbook.policy.snapshots import SnapshotError, snapshot_facts

DECIDED, INVALID, POLICY_FAILED = 0, 1, 2


@dataclass
class CheckResult:
    lines: list[str]
    exit_code: int


class InputError(ValueError):
    """The snapshot file as a whole cannot be read."""


def read_snapshots(text: str) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e}") from e
    if not isinstance(data, list):
        raise InputError("expected a JSON array of snapshots")
    return data


def check_snapshots(policy: Policy, snapshots: list[Any], *, expect: bool = False) -> CheckResult:
    evaluator = Evaluator(policy)
    lines: list[str] = []
    invalid = passed = failed = 0
    for out in _decide_each(evaluator, snapshots):
        if "error" in out:
            invalid += 1
        if expect and "passed" in out:
            if out["passed"]:
                passed += 1
            else:
                failed += 1
        lines.append(json.dumps(out, ensure_ascii=False))
    if expect:
        lines.append(f"{passed} passed, {failed} failed")
    code = INVALID if invalid or failed else DECIDED
    return CheckResult(lines, code)


def _decide_each(evaluator: Evaluator, snapshots: list[Any]) -> Iterator[dict[str, Any]]:
    actions = evaluator.policy.actions
    for index, snapshot in enumerate(snapshots):
        sid = snapshot.get("id") if isinstance(snapshot, dict) else None
        out: dict[str, Any] = {"id": sid if sid is not None else f"#{index + 1}"}
        try:
            if sid is None:
                raise SnapshotError("id", "is required")
            wanted, unwanted = snapshot.get("expect"), snapshot.get("expect_not")
            for field, value in (("expect", wanted), ("expect_not", unwanted)):
                if value is not None and value not in actions:
                    raise SnapshotError(field, f"{value!r} is not an action of this policy")
            decision = evaluator.decide(snapshot_facts(snapshot))
        except SnapshotError as e:
            out["error"] = {"field": e.field, "reason": e.reason}
            yield out
            continue
        out.update(
            action=decision.action,
            category=decision.category,
            priority=decision.priority,
            rule=decision.rule,
            reasons=list(decision.reasons),
        )
        if wanted is not None or unwanted is not None:
            ok = (wanted is None or decision.action == wanted) and (
                unwanted is None or decision.action != unwanted
            )
            out["passed"] = ok
            if not ok:
                out["expected"] = wanted if wanted is not None else f"not {unwanted}"
        yield out
