"""Allocating one payment of a combination arrangement across a customer's debts (seed 002
4.4: "the customer can pay one payment and this can be allocated across different income
streams"), to the penny.

The order, documented in docs/corporate-debt.md and configurable per landlord
(``RENTBOOK_DEBT_PRIORITY``): first every ongoing liability due now (this week's rent, this
month's council tax instalment), so the debt does not spiral; then the arrears. Within each of
the two, streams in priority order (priority debts first: rent and council tax before sundry
debts), and within a stream its oldest debt first. What is left once everything due is paid is
not allocated: it is the customer's credit, never a negative debt. A plain function over plain
values: the same payment and debts are allocated the same way every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Priority debts first: rent and council tax before the rest (money advice's priority debts:
#: the home, and the debt whose non-payment can bring committal or a summary warrant).
DEFAULT_PRIORITY = ("rent", "council_tax", "ndr", "hbo", "sundry")


@dataclass(frozen=True)
class Owed:
    """One debt in the arrangement: its key (the debt's reference), stream, financial year
    (for oldest-first), what is due now on the ongoing liability, and its arrears (pence)."""

    key: str
    stream: str
    year: int
    ongoing: int
    arrears: int

    def __post_init__(self) -> None:
        if self.ongoing < 0 or self.arrears < 0:
            raise ValueError(f"{self.key}: what is owed is £0 or more")


@dataclass(frozen=True)
class Allocation:
    #: pence to each debt's key, in the order allocated (only debts given something)
    to: dict[str, int]
    #: pence left over once everything due was paid: the customer's credit
    unallocated: int


def allocate(
    amount: int, owed: Sequence[Owed], priority: Sequence[str] = DEFAULT_PRIORITY
) -> Allocation:
    """Allocate ``amount`` pence across ``owed``: ongoing liabilities first, then arrears,
    each by stream priority and then oldest debt first."""
    if amount < 0:
        raise ValueError("a payment to allocate is £0 or more")
    keys = [o.key for o in owed]
    if len(set(keys)) != len(keys):
        raise ValueError("each debt appears once")
    unknown = sorted({o.stream for o in owed} - set(priority))
    if unknown:
        raise ValueError(f"no priority given for: {', '.join(unknown)}")
    rank = {s: i for i, s in enumerate(priority)}
    ordered = sorted(owed, key=lambda o: (rank[o.stream], o.year, o.key))
    left = amount
    to: dict[str, int] = {}
    for part in ("ongoing", "arrears"):
        for o in ordered:
            if left == 0:
                break
            take = min(left, getattr(o, part))
            if take:
                to[o.key] = to.get(o.key, 0) + take
                left -= take
    return Allocation(to, left)
