"""Weekly debits from a tenancy's charge schedule: what rent and service charges fall due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rentbook.ledger.calendar import RentFreeRule, collection_weeks


@dataclass(frozen=True)
class ChargeLineValue:
    """One line of a charge schedule: rent or one service charge, weekly, over a date range."""

    code: str
    weekly_amount: int
    effective_from: date
    effective_to: date | None = None


@dataclass(frozen=True)
class Debit:
    week: date
    code: str
    amount: int

    def source_ref(self, tenancy_ref: str) -> str:
        """The stable reference that makes posting the same debit twice impossible."""
        return f"{tenancy_ref}/{self.code}/{self.week.isoformat()}"


def _overlap_days(a_from: date, a_to: date, b_from: date, b_to: date | None) -> int:
    hi = a_to if b_to is None else min(a_to, b_to)
    lo = max(a_from, b_from)
    return max(0, (hi - lo).days + 1)


def weekly_debits(
    lines: Sequence[ChargeLineValue],
    *,
    tenancy_start: date,
    tenancy_end: date | None,
    first: date,
    last: date,
    rule: RentFreeRule,
) -> list[Debit]:
    """Debits for every collection week from ``first`` to ``last`` (inclusive).

    A week the tenancy or a charge line covers only in part is charged pro rata by days
    (rounded half up to the penny), as housing systems do for a tenancy that starts or ends
    mid-week.
    """
    start = max(first, tenancy_start)
    end = last if tenancy_end is None else min(last, tenancy_end)
    if end < start:
        return []
    out: list[Debit] = []
    for monday in collection_weeks(start, end, rule):
        sunday = monday + timedelta(days=6)
        tenancy_days = _overlap_days(monday, sunday, tenancy_start, tenancy_end)
        for line in lines:
            lo = max(tenancy_start, line.effective_from)
            hi = line.effective_to
            if tenancy_end is not None:
                hi = tenancy_end if hi is None else min(hi, tenancy_end)
            days = min(tenancy_days, _overlap_days(monday, sunday, lo, hi))
            if days == 0 or line.weekly_amount == 0:
                continue
            amount = line.weekly_amount if days == 7 else (line.weekly_amount * days * 2 + 7) // 14
            out.append(Debit(week=monday, code=line.code, amount=amount))
    return out
