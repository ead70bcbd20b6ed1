"""Write-off rules as plain functions: which approval level a write-off needs, who may give
it, and what a reason requires. Amounts are pence; limits come from settings."""

from __future__ import annotations

from dataclasses import dataclass

OFFICER, MANAGER, COMMITTEE = "officer", "manager", "committee"

#: The roles that may approve at each level (an approver may never be the proposer).
APPROVERS = {
    OFFICER: frozenset({"income_officer", "team_leader", "income_manager", "administrator"}),
    MANAGER: frozenset({"income_manager", "administrator"}),
    # a committee's decision is recorded by a manager, with the committee's minute reference
    COMMITTEE: frozenset({"income_manager", "administrator"}),
}
RANK = {OFFICER: 0, MANAGER: 1, COMMITTEE: 2}


@dataclass(frozen=True)
class Limits:
    small: int = 2_000  # £20: seed 002's small balance
    officer: int = 2_000  # an officer may approve up to this (small balances only)
    manager: int = 500_000  # £5,000: above this, the committee


def level(amount: int, reason: str, limits: Limits) -> str:
    """The lowest level that may approve ``amount`` written off for ``reason``."""
    if amount > limits.manager:
        return COMMITTEE
    if reason == "small_balance" and amount <= limits.officer:
        return OFFICER
    return MANAGER


def may_approve(role: str | None, needed: str) -> bool:
    return role is not None and role in APPROVERS[needed]


def reinstatements(
    payments: list[tuple[int, int]], written_off: int, already: set[int]
) -> list[tuple[int, int]]:
    """(payment id, amount to write on) for payments received after a write-off, oldest
    first, until the written-off sum (less what is already written on) is used up.

    ``payments``: (id, amount received as a positive sum); ``written_off``: what remains
    written off (positive); ``already``: payment ids already matched by a write-on."""
    out = []
    left = written_off
    for pid, received in sorted(payments):
        if left <= 0:
            break
        if pid in already or received <= 0:
            continue
        take = min(received, left)
        out.append((pid, take))
        left -= take
    return out
