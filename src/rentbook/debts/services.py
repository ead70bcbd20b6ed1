"""What the customer pages show: each debt's balance and entries, read in one query each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from rentbook.debts.models import Customer, Debt, DebtEntry, DebtRecommendation, DebtRun


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
