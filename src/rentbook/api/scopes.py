"""What an API client may be allowed to do, one scope per kind of read or write."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "accounts:read": "read rent accounts and their balances",
    "recommendations:read": "read the latest arrears run's recommendations",
    "diary:write": "post action diary entries",
    "flags:write": "post flags (breathing space, vulnerability, benefit claims...)",
    "payments:write": "post payments",
}
WRITE_SCOPES = frozenset(s for s in SCOPES if s.endswith(":write"))


def check_scopes(scopes: list[str]) -> list[str]:
    """The scopes, each known; raises ValueError naming an unknown one."""
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)}: the scopes are {', '.join(SCOPES)}")
    return sorted(set(scopes))
