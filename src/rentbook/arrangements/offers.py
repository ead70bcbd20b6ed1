"""The affordability rules for an arrangement a tenant offers online, in the words the tenant
is shown. The same figures an officer sees (arrangements/services.proposals): the ongoing
charge added to every payment, the surplus from the income and expenditure, the clearance
date. An offer that breaks a rule is explained, never refused silently: the tenant may change
it or send it for an officer to consider (seed 001 6b.3: "balancing recovery of the arrears as
quickly as possible, with affordability").

Pure functions over plain values (integer pence, dates); nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rentbook.arrangements.schedules import (
    PER_YEAR,
    Frequency,
    Rule,
    ScheduleError,
    Terms,
    add_months,
    clearance_date,
    schedule,
)
from rentbook.arrangements.services import charge_per_payment, per_payment
from rentbook.money import format_pounds

#: The rule codes, each with a stable meaning (a test per code: tests/arrangements/test_offers.py).
NOTHING_OWED = "nothing_owed"
NO_INSTALMENT = "no_instalment"
TOO_LONG = "too_long"
ABOVE_SURPLUS = "above_surplus"
NO_SURPLUS = "no_surplus"
BAD_TERMS = "bad_terms"

PERIOD_WORDS = {
    Frequency.WEEKLY: "a week",
    Frequency.FORTNIGHTLY: "a fortnight",
    Frequency.FOUR_WEEKLY: "every four weeks",
    Frequency.MONTHLY: "a month",
}


@dataclass(frozen=True)
class Finding:
    code: str
    words: str


@dataclass(frozen=True)
class Offer:
    """What an offer comes to: each payment (the rent part and the arrears part), how many,
    when the arrears clear, the least that would clear them within the landlord's limit, and
    the rules it breaks (none: it meets them all)."""

    instalment: int
    ongoing_charge: int
    payments: int
    clears_on: date | None
    least_within_limit: int
    findings: tuple[Finding, ...]

    @property
    def per_payment(self) -> int:
        return self.instalment + self.ongoing_charge

    @property
    def meets_rules(self) -> bool:
        return not self.findings

    def as_json(self) -> list[dict[str, str]]:
        return [{"code": f.code, "words": f.words} for f in self.findings]


def least_to_clear(arrears: int, frequency: Frequency, months: int) -> int:
    """The smallest instalment (pence) that clears ``arrears`` within ``months``."""
    n = max(1, months * PER_YEAR[frequency] // 12)
    return -(-arrears // n)


def check_offer(
    *,
    arrears: int,
    weekly_charge: int,
    surplus_monthly: int,
    rule: Rule,
    instalment: int,
    first_payment: date,
    max_months: int,
) -> Offer:
    """Check a tenant's offer of ``instalment`` pence towards ``arrears`` each payment (their
    rent, ``weekly_charge`` a week, is added to every payment)."""
    f = rule.frequency
    if f == Frequency.ONE_OFF:
        raise ValueError("an offer is a regular payment, not a one-off")
    charge = charge_per_payment(weekly_charge, f)
    least = least_to_clear(max(arrears, 0), f, max_months)
    period = PERIOD_WORDS[f]
    if arrears <= 0:
        found = Finding(NOTHING_OWED, "Your rent account is not in arrears, so there is nothing"
                        " to pay off with a plan.")  # fmt: skip
        return Offer(instalment, charge, 0, None, 0, (found,))
    if instalment <= 0:
        found = Finding(
            NO_INSTALMENT,
            f"Each payment needs to include something towards the {format_pounds(arrears)} you"
            f" owe, on top of your rent of {format_pounds(charge)} {period}. Paying only the rent"
            " would not reduce what you owe.",
        )
        return Offer(instalment, charge, 0, None, least, (found,))
    try:
        terms = Terms(arrears, instalment, rule, first_payment)
        plan = schedule(terms)
        clears = clearance_date(terms)
    except ScheduleError:
        found = Finding(BAD_TERMS, "That plan would take more than 20 years. Offer more each time.")
        return Offer(instalment, charge, 0, None, least, (found,))
    findings: list[Finding] = []
    limit = add_months(first_payment, max_months)
    if clears is not None and clears > limit:
        findings.append(
            Finding(
                TOO_LONG,
                f"At {format_pounds(instalment)} {period} towards what you owe, it would be paid"
                f" off on {clears:%-d %B %Y}. We can usually agree plans that clear arrears"
                f" within {max_months} months: that needs at least {format_pounds(least)}"
                f" {period} towards what you owe.",
            )
        )
    available = per_payment(max(surplus_monthly, 0), f)
    if surplus_monthly <= 0:
        findings.append(
            Finding(
                NO_SURPLUS,
                "The income and spending you told us about leave nothing over each month after"
                " your essential costs. An officer will contact you to talk through your budget"
                " and any help with money or benefits you may be able to get.",
            )
        )
    elif instalment > available:
        findings.append(
            Finding(
                ABOVE_SURPLUS,
                f"You told us you have {format_pounds(surplus_monthly)} a month left after your"
                f" essential costs, which is about {format_pounds(available)} {period}. Paying"
                f" {format_pounds(instalment)} {period} towards what you owe could leave you short"
                " for essentials. Offer an amount you can keep up.",
            )
        )
    return Offer(instalment, charge, len(plan), clears, least, tuple(findings))
