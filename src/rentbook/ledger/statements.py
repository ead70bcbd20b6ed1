"""Rent statements: every entry in a period with a running balance, and weekly balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from rentbook.ledger.calendar import WEEK, week_start
from rentbook.ledger.models import Account, Kind, PaymentMethod, Transaction

_KIND_LABELS = dict(Kind.choices)
_METHOD_LABELS = dict(PaymentMethod.choices)


@dataclass(frozen=True)
class StatementLine:
    posted_on: date
    description: str
    kind: str
    debit: int
    credit: int
    balance: int


@dataclass(frozen=True)
class Statement:
    reference: str
    start: date | None
    end: date | None
    opening_balance: int
    lines: list[StatementLine]

    @property
    def total_debits(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def total_credits(self) -> int:
        return sum(line.credit for line in self.lines)

    @property
    def closing_balance(self) -> int:
        return self.opening_balance + self.total_debits - self.total_credits


def describe(kind: str, method: str, charge_code: str, description: str) -> str:
    """The words a tenant reads on a statement line."""
    if kind == Kind.CHARGE:
        words = "Rent" if charge_code in ("", "rent") else f"Charge: {charge_code}"
    elif kind == Kind.PAYMENT and method:
        words = f"Payment: {_METHOD_LABELS.get(method, method)}"
    else:
        words = _KIND_LABELS.get(kind, kind)
    return f"{words} ({description})" if description else words


def running_lines(opening: int, rows: list[tuple]) -> list[StatementLine]:
    """Statement lines from (posted_on, kind, method, charge_code, description, amount) rows."""
    balance = opening
    out = []
    for posted_on, kind, method, charge_code, description, amount in rows:
        balance += amount
        out.append(
            StatementLine(
                posted_on=posted_on,
                description=describe(kind, method, charge_code, description),
                kind=kind,
                debit=amount if amount > 0 else 0,
                credit=-amount if amount < 0 else 0,
                balance=balance,
            )
        )
    return out


def account_statement(
    account: Account, *, start: date | None = None, end: date | None = None
) -> Statement:
    return statements_for([account], start=start, end=end)[account.pk]


def statements_for(
    accounts: Sequence[Account], *, start: date | None = None, end: date | None = None
) -> dict[int, Statement]:
    """Each account's statement for the same period, by account id, in two queries."""
    ids = [a.pk for a in accounts]
    txns = Transaction.objects.filter(account_id__in=ids)
    opening: dict[int, int] = {}
    if start is not None:
        opening = dict(
            txns.filter(posted_on__lt=start)
            .order_by()
            .values("account_id")
            .annotate(t=Sum("amount"))
            .values_list("account_id", "t")
        )
        txns = txns.filter(posted_on__gte=start)
    if end is not None:
        txns = txns.filter(posted_on__lte=end)
    rows: dict[int, list[tuple]] = {i: [] for i in ids}
    for row in txns.order_by().values_list(
        "account_id", "posted_on", "kind", "method", "charge_code", "description", "amount", "id"
    ):
        rows[row[0]].append(row[1:])
    out = {}
    for a in accounts:
        # Charges before credits on the same day, as housing systems print them.
        ordered = sorted(rows[a.pk], key=lambda r: (r[0], r[5] < 0, r[6]))
        first = opening.get(a.pk) or 0
        out[a.pk] = Statement(
            reference=a.reference,
            start=start,
            end=end,
            opening_balance=first,
            lines=running_lines(first, [r[:6] for r in ordered]),
        )
    return out


def weekly_balances(account: Account, *, start: date, end: date) -> list[tuple[date, int]]:
    """The balance at the end (Sunday) of each rent week from ``start`` to ``end``."""
    txns = Transaction.objects.filter(account=account)
    first_sunday = week_start(start) + timedelta(days=6)
    balance = txns.filter(posted_on__lte=first_sunday).aggregate(t=Sum("amount"))["t"] or 0
    daily = dict(
        txns.filter(posted_on__gt=first_sunday, posted_on__lte=end)
        .values("posted_on")
        .annotate(t=Sum("amount"))
        .values_list("posted_on", "t")
    )
    out = [(first_sunday, balance)]
    sunday = first_sunday + WEEK
    days = sorted(daily)
    i = 0
    while sunday <= end:
        while i < len(days) and days[i] <= sunday:
            balance += daily[days[i]]
            i += 1
        out.append((sunday, balance))
        sunday += WEEK
    return out
