"""The landlord's request to the DWP for a Universal Credit managed payment (an Alternative
Payment Arrangement) or a third-party deduction for rent arrears: when the thresholds are met,
what to ask for, and the evidence pack (form UC47 or the landlord portal). Plain functions
over plain values; the page and the record are in web/ and models.py.

The DWP's thresholds (DOMAIN.md, *Benefits*): arrears of two months' rent or more, or of one
month's rent with persistent underpayment. A deduction is 10% to 20% of the claimant's UC
standard allowance, which changes every April: it is a setting
(``RENTBOOK_UC_STANDARD_ALLOWANCE``, pence a month), never a constant here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Months of underpayment in a row that make it persistent (the DWP's guidance leaves the
#: judgement to the landlord; three is rentbook's default, shown on the pack).
PERSISTENT_MONTHS = 3


@dataclass(frozen=True)
class Threshold:
    met: bool
    reason: str


def monthly_rent(weekly_charge: int) -> int:
    """A month's rent as UC counts it: weekly x 52 / 12 (pence, rounded down)."""
    return weekly_charge * 52 // 12


def threshold(arrears: int, weekly_charge: int, underpaid_months: int) -> Threshold:
    month = monthly_rent(weekly_charge)
    if month <= 0:
        return Threshold(False, "no rent is charged, so there is no month's rent to measure by")
    if arrears >= 2 * month:
        return Threshold(True, "arrears are two months' rent or more")
    if arrears >= month and underpaid_months >= PERSISTENT_MONTHS:
        return Threshold(
            True,
            f"arrears are a month's rent or more and the rent was underpaid"
            f" {underpaid_months} months in a row",
        )
    return Threshold(False, "arrears are below the DWP's thresholds")


def deduction_range(standard_allowance: int) -> tuple[int, int]:
    """The monthly third-party deduction the DWP may make: 10% to 20% of the allowance."""
    return standard_allowance * 10 // 100, standard_allowance * 20 // 100


def underpaid_run(months: list[tuple[date, int, int]]) -> int:
    """How many of the latest months in a row the tenant paid less than was charged;
    ``months`` is (month, charged, paid) oldest first."""
    n = 0
    for _, charged, paid in reversed(months):
        if charged > 0 and paid < charged:
            n += 1
        else:
            break
    return n
