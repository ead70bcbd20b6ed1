"""What the customer pages show: each debt's balance and entries, read in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum

from rentbook.debts.models import (
    Customer,
    Debt,
    DebtAction,
    DebtEntry,
    DebtRecommendation,
    DebtRun,
)


@dataclass(frozen=True)
class DebtView:
    debt: Debt
    balance: int  # pence owed (negative: in credit)
    entries: list[DebtEntry]
    #: The latest debt run's decision for it in words, if the run has decided it.
    next_step: str = ""


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
    steps = _next_steps(customer)
    return [
        DebtView(d, int(balances.get(d.pk) or 0), entries.get(d.pk, []), steps.get(d.pk, ""))
        for d in debts
    ]


def _next_steps(customer: Customer) -> dict[int, str]:
    """Each debt's step in the latest debt run, as its policy's label puts it."""
    from rentbook.debts.run import debt_policy

    run = DebtRun.objects.first()  # the latest, by as_of
    if run is None:
        return {}
    labels: dict[str, dict[str, str]] = {}
    out = {}
    recs = DebtRecommendation.objects.filter(run=run, debt__customer=customer).select_related(
        "debt"
    )
    for r in recs:
        name = run.policies.get(r.debt.stream, "")
        if name not in labels:
            labels[name] = {a: x.label for a, x in debt_policy(name).actions.items()}
        out[r.debt_id] = labels[name].get(r.action, r.action)
    return out


@dataclass(frozen=True)
class Contact:
    at: datetime
    stream: str  # "rent", or the debt's stream
    what: str  # the step's code, or the diary code
    note: str


#: The latest contacts the customer page shows, newest first.
CONTACTS = 50


def contact_history(customer: Customer, *, with_rent: bool) -> list[Contact]:
    """The recovery steps taken on every debt of the customer and, for a role that may see
    rent records, their rent account's diary: one history across streams, newest first."""
    out = [
        Contact(a.at, a.debt.stream, a.code, a.note)
        for a in DebtAction.objects.filter(debt__customer=customer)
        .select_related("debt")
        .order_by("-at", "-id")[:CONTACTS]
    ]
    if with_rent and customer.account_id is not None:
        from rentbook.cases.models import DiaryEntry

        out += [
            Contact(e.at, "rent", e.code, e.note)
            for e in DiaryEntry.objects.filter(account_id=customer.account_id).order_by(
                "-at", "-id"
            )[:CONTACTS]
        ]
    return sorted(out, key=lambda c: c.at, reverse=True)[:CONTACTS]
