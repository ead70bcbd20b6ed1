"""What the customer pages show: each debt's balance and entries, read in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Sum

from rentbook.debts.models import (
    Customer,
    Debt,
    DebtAction,
    DebtEntry,
    DebtParty,
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
    #: The others liable with the customer for the whole of it (or the one billed, for a
    #: debt the customer is jointly liable for).
    joint_with: tuple[str, ...] = ()


def debts_of(customer: Customer) -> models.QuerySet[Debt]:
    """The customer's debts: billed to them, or theirs jointly and severally."""
    return Debt.objects.filter(
        models.Q(customer=customer) | models.Q(parties__customer=customer)
    ).distinct()


def customer_debts(customer: Customer) -> list[DebtView]:
    debts = list(
        debts_of(customer).select_related("customer").order_by("stream", "-financial_year", "id")
    )
    ids = [d.pk for d in debts]
    balances = dict(
        DebtEntry.objects.filter(debt_id__in=ids)
        .values("debt_id")
        .annotate(s=Sum("amount"))
        .values_list("debt_id", "s")
    )
    entries: dict[int, list[DebtEntry]] = {}
    for e in DebtEntry.objects.filter(debt_id__in=ids).order_by("posted_on", "id"):
        entries.setdefault(e.debt_id, []).append(e)
    others: dict[int, list[str]] = {}
    for p in DebtParty.objects.filter(debt_id__in=ids).select_related("customer"):
        others.setdefault(p.debt_id, []).append(p.customer.name)
    steps = _next_steps(ids)
    out = []
    for d in debts:
        joint = [n for n in others.get(d.pk, []) if n != customer.name]
        if d.customer_id != customer.pk:
            joint = [d.customer.name, *joint]
        out.append(
            DebtView(
                d, int(balances.get(d.pk) or 0), entries.get(d.pk, []), steps.get(d.pk, ""),
                tuple(joint),
            )
        )  # fmt: skip
    return out


def _next_steps(debt_ids: list[int]) -> dict[int, str]:
    """Each debt's step in the latest debt run, as its policy's label puts it."""
    from rentbook.debts.run import debt_policy

    run = DebtRun.objects.first()  # the latest, by as_of
    if run is None:
        return {}
    labels: dict[str, dict[str, str]] = {}
    out = {}
    recs = DebtRecommendation.objects.filter(run=run, debt_id__in=debt_ids).select_related("debt")
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
        for a in DebtAction.objects.filter(debt__in=debts_of(customer))
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
