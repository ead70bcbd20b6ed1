"""Income and expenditure in the Standard Financial Statement's sections: items, totals, the
surplus for the arrears, and spending above the guideline figures (flagged, never changed).

Amounts are pence a month. The surplus available for the rent arrears is income less fixed
costs, flexible costs and payments to other priority debts (rent arrears are a priority debt,
so non-priority debts share what is left after them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

INCOME, FIXED, FLEXIBLE, PRIORITY, OTHER = "income", "fixed", "flexible", "priority", "other"

#: (section, item, label) in the order the form asks for them.
ITEMS: tuple[tuple[str, str, str], ...] = (
    (INCOME, "earnings", "Earnings from work (after tax)"),
    (INCOME, "universal_credit", "Universal Credit"),
    (INCOME, "other_benefits", "Other benefits and tax credits"),
    (INCOME, "pensions", "Pensions"),
    (INCOME, "other_income", "Other income (maintenance, lodgers, family)"),
    (FIXED, "rent", "Rent and service charges (the ongoing charge)"),
    (FIXED, "council_tax", "Council Tax"),
    (FIXED, "utilities", "Gas, electricity and water"),
    (FIXED, "childcare", "Childcare"),
    (FIXED, "insurance", "Insurance and TV licence"),
    (FLEXIBLE, "communications", "Phone, internet and leisure"),
    (FLEXIBLE, "food", "Food and housekeeping"),
    (FLEXIBLE, "personal", "Personal costs (clothing, toiletries, prescriptions)"),
    (FLEXIBLE, "travel", "Travel"),
    (PRIORITY, "priority_debts", "Payments to other priority debts (Council Tax, energy, fines)"),
    (OTHER, "other_debts", "Payments to other debts (cards, loans, catalogues)"),
)
LABELS = {item: label for _, item, label in ITEMS}
SECTION_OF = {item: section for section, item, _ in ITEMS}

#: Guideline figures for flexible costs, pence a month: (first adult, each other adult, each
#: child). Illustrative defaults in the shape of the SFS spending guidelines; a landlord sets
#: its own in settings as RENTBOOK_SPENDING_GUIDELINES = {item: (first, adult, child)}.
DEFAULT_GUIDELINES: dict[str, tuple[int, int, int]] = {
    "communications": (9_000, 3_500, 3_000),
    "food": (35_000, 20_000, 12_000),
    "personal": (8_000, 4_500, 5_000),
    "travel": (10_000, 6_000, 3_000),
}


def guidelines() -> dict[str, tuple[int, int, int]]:
    return dict(getattr(settings, "RENTBOOK_SPENDING_GUIDELINES", DEFAULT_GUIDELINES))


@dataclass(frozen=True)
class Summary:
    totals: dict[str, int]
    surplus: int  # pence a month for the arrears (negative: a deficit)
    above_guideline: dict[str, tuple[int, int]]  # item: (amount, guideline)


def guideline_for(item: str, adults: int, children: int, figures: Mapping) -> int | None:
    if item not in figures:
        return None
    first, adult, child = figures[item]
    return first + adult * max(0, adults - 1) + child * max(0, children)


def summarise(
    amounts: Mapping[str, int],
    adults: int = 1,
    children: int = 0,
    figures: Mapping[str, tuple[int, int, int]] | None = None,
) -> Summary:
    figures = guidelines() if figures is None else figures
    totals = dict.fromkeys((INCOME, FIXED, FLEXIBLE, PRIORITY, OTHER), 0)
    for item, amount in amounts.items():
        totals[SECTION_OF[item]] += amount
    surplus = totals[INCOME] - totals[FIXED] - totals[FLEXIBLE] - totals[PRIORITY]
    above = {}
    for item, amount in amounts.items():
        limit = guideline_for(item, adults, children, figures)
        if limit is not None and amount > limit:
            above[item] = (amount, limit)
    return Summary(totals, surplus, above)
