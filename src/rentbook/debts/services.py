"""What the customer pages show: each debt's balance and entries, read in one query each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from rentbook.debts.models import Customer, Debt, DebtEntry


@dataclass(frozen=True)
class DebtView:
    debt: Debt
    balance: int  # pence owed (negative: in credit)
    entries: list[DebtEntry]


def customer_debts(customer: Customer) -> list[DebtView]:
    debts = list(customer.debts.order_by("stream", "-financial_year", "id"))
    balances = dict(
        DebtEntry.objects.filter(debt__customer=customer)
        .values("debt_id")
        .annotate(s=Sum("amount"))
        .values_list("debt_id", "s")
    )
    entries: dict[int, list[DebtEntry]] = {}
    for e in DebtEntry.objects.filter(debt__customer=customer).order_by("posted_on", "id"):
        entries.setdefault(e.debt_id, []).append(e)
    return [DebtView(d, int(balances.get(d.pk) or 0), entries.get(d.pk, [])) for d in debts]
