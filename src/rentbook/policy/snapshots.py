"""Account snapshots (shared/conformance/FORMAT.md) mapped onto the base facts.

Money in pounds becomes pence; instants are ISO 8601 local times and a bare date is midnight;
``actions`` gives ``last_action`` when that is absent; flags become the set active at ``now``.
A bad field is reported as ``SnapshotError`` naming the field and the reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from rentbook.cases.codes import REVIEW_CODES
from rentbook.money import MoneyError, parse_pounds
from rentbook.policy.facts import empty_facts


class SnapshotError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


_TOP = {
    "id",
    "now",
    "account",
    "last_action",
    "actions",
    "notice",
    "direct_debit",
    "housing_benefit",
    "pause",
    "eviction",
    "court",
    "arrangement",
    "latest_letter",
    "debt",
    "flags",
    "expect",
    "expect_not",
    "description",
}
_MONEY, _NUMBER, _INSTANT, _DATE, _TEXT, _BOOL = (
    "money",
    "number",
    "instant",
    "date",
    "text",
    "bool",
)

# block -> field -> (fact, kind)
_BLOCKS: dict[str, dict[str, tuple[str, str]]] = {
    "account": {
        "arrears": ("arrears", _MONEY),
        "technical_arrears": ("technical_arrears", _MONEY),
        "true_arrears": ("true_arrears", _MONEY),
        "weekly_charge": ("weekly_charge", _MONEY),
        "paid_this_week": ("paid_this_week", _MONEY),
        "missed_payments_consecutive": ("missed_payments_consecutive", _NUMBER),
        "missed_payments_4_weeks": ("missed_payments_4_weeks", _NUMBER),
        "missed_payments_13_weeks": ("missed_payments_13_weeks", _NUMBER),
        "days_since_last_payment": ("days_since_last_payment", _NUMBER),
        "arrears_trend": ("arrears_trend", _MONEY),
        "tenancy_start": ("tenancy_start", _DATE),
        "tenancy_end": ("tenancy_end", _DATE),
        "benefit": ("benefit", _TEXT),
    },
    "last_action": {"code": ("last_action_code", _TEXT), "at": ("last_action_at", _INSTANT)},
    "notice": {
        "type": ("notice_type", _TEXT),
        "served": ("notice_served", _INSTANT),
        "expires": ("notice_expires", _INSTANT),
    },
    "pause": {"until": ("pause_until", _INSTANT), "reason": ("pause_reason", _TEXT)},
    "direct_debit": {
        "returned": ("dd_returned", _DATE),
        "return_reason": ("dd_return_reason", _TEXT),
    },
    "housing_benefit": {
        "status": ("hb_status", _TEXT),
        "shortfall": ("hb_shortfall", _MONEY),
        "dhp_ends": ("dhp_ends", _DATE),
    },
    "eviction": {"date": ("eviction_date", _INSTANT)},
    "court": {
        "date": ("court_date", _INSTANT),
        "outcome": ("court_outcome", _TEXT),
        "terms": ("court_terms", _BOOL),
        "struck_out": ("court_struck_out", _INSTANT),
    },
    "arrangement": {
        "type": ("arrangement_type", _TEXT),
        "state": ("arrangement_state", _TEXT),
        "start": ("arrangement_start", _INSTANT),
        "breaches": ("arrangement_breaches", _NUMBER),
    },
    "latest_letter": {
        "status": ("latest_letter_status", _TEXT),
        "income": ("latest_letter_income", _BOOL),
    },
    # a rentbook addition to the shared format: a council debt (docs/corporate-debt.md)
    "debt": {
        "stream": ("debt_stream", _TEXT),
        "due": ("debt_due", _DATE),
        "cause": ("overpayment_cause", _TEXT),
        "recoverable": ("recoverable", _BOOL),
        "customer_rent_arrears": ("customer_rent_arrears", _MONEY),
        "hb_in_payment": ("hb_in_payment", _BOOL),
        "caught_up_since_last_step": ("caught_up_since_last_step", _BOOL),
    },
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def parse_instant(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise SnapshotError(field, "must be an ISO 8601 date or date and time, as text")
    text = value.strip()
    try:
        if _DATE_RE.match(text):
            return datetime.combine(date.fromisoformat(text), time())
        if _INSTANT_RE.match(text):
            return datetime.fromisoformat(text)
    except ValueError as e:
        raise SnapshotError(field, f"{value!r} is not a real date ({e})") from e
    raise SnapshotError(field, f"{value!r} is not a local date or time like 2025-06-18T14:37:00")


def _money(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SnapshotError(field, 'must be an amount in pounds, e.g. 12.50 or "12.50"')
    text = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, float) and ("e" in text or "inf" in text or "nan" in text):
        raise SnapshotError(field, f"{value!r} is not an amount in pounds and pence")
    try:
        return parse_pounds(text)
    except MoneyError as e:
        raise SnapshotError(field, str(e)) from e


def _value(kind: str, value: Any, field: str) -> Any:
    if value is None:
        return None
    if kind == _MONEY:
        return _money(value, field)
    if kind == _NUMBER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SnapshotError(field, "must be a whole number")
        return value
    if kind == _INSTANT:
        return parse_instant(value, field)
    if kind == _DATE:
        return parse_instant(value, field).date()
    if kind == _BOOL:
        if not isinstance(value, bool):
            raise SnapshotError(field, "must be true or false")
        return value
    if not isinstance(value, str):
        raise SnapshotError(field, "must be text")
    # a blank code or outcome is the same as none recorded
    return value.strip() or None


def _block(snapshot: dict, name: str) -> dict:
    block = snapshot.get(name)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise SnapshotError(name, "must be an object")
    for key in block:
        if key not in _BLOCKS[name]:
            raise SnapshotError(f"{name}.{key}", "unknown field")
    return block


def snapshot_facts(snapshot: Any) -> dict[str, Any]:
    """The base facts of one snapshot; raises SnapshotError for the first bad field."""
    if not isinstance(snapshot, dict):
        raise SnapshotError("snapshot", "must be a JSON object")
    for key in snapshot:
        if key not in _TOP:
            raise SnapshotError(key, "unknown field")
    if "now" not in snapshot or snapshot["now"] is None:
        raise SnapshotError("now", "is required")
    facts = empty_facts()
    now = parse_instant(snapshot["now"], "now")
    facts["now"] = now
    for name, fields in _BLOCKS.items():
        block = _block(snapshot, name)
        for key, (fact, kind) in fields.items():
            facts[fact] = _value(kind, block.get(key), f"{name}.{key}")

    history = snapshot.get("actions")
    if history is not None:
        if not isinstance(history, list):
            raise SnapshotError("actions", "must be a list of {code, at}")
        actions = []
        for i, item in enumerate(history):
            if not isinstance(item, dict) or set(item) - {"code", "at"}:
                raise SnapshotError(f"actions[{i}]", "must be an object with code and at")
            code = _value(_TEXT, item.get("code"), f"actions[{i}].code")
            at = _value(_INSTANT, item.get("at"), f"actions[{i}].at")
            actions.append((code, at))
        facts["actions"] = tuple(actions)
        # as the run: the latest communication, not a person's review of the case
        spoken = [a for a in actions if a[0] not in REVIEW_CODES]
        if snapshot.get("last_action") is None and spoken:
            facts["last_action_code"], facts["last_action_at"] = spoken[-1]

    flags = snapshot.get("flags")
    if flags is not None:
        if not isinstance(flags, list):
            raise SnapshotError("flags", "must be a list of {type, from, to}")
        active = set()
        for i, item in enumerate(flags):
            if not isinstance(item, dict) or set(item) - {"type", "from", "to"}:
                raise SnapshotError(f"flags[{i}]", "must be an object with type, from and to")
            kind = _value(_TEXT, item.get("type"), f"flags[{i}].type")
            if kind is None:
                raise SnapshotError(f"flags[{i}].type", "is required")
            start = _value(_INSTANT, item.get("from"), f"flags[{i}].from")
            end = _value(_INSTANT, item.get("to"), f"flags[{i}].to")
            if flag_active(now, start, end):
                active.add(kind)
        facts["flags"] = frozenset(active)
    return facts


def flag_active(now: datetime, start: datetime | None, end: datetime | None) -> bool:
    """A flag holds from ``from`` to the end of the day ``to`` falls on (either may be open)."""
    if start is not None and now < start:
        return False
    return end is None or now < datetime.combine(end.date(), time()) + timedelta(days=1)
