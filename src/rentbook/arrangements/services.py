"""What officers do with arrangements, as plain functions: record income and expenditure,
work out proposals, set up and cancel arrangements, and read an arrangement's schedule, state
and history from the ledger. Views and the run call these; nothing here reads the clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum

from rentbook.arrangements import statements
from rentbook.arrangements.breach import (
    Assessment,
    Balances,
    InstalmentStatus,
    State,
    Tolerance,
    assess,
    instalment_statuses,
)
from rentbook.arrangements.models import (
    Arrangement,
    ArrangementEvent,
    Kind,
    Statement,
    StatementLine,
)
from rentbook.arrangements.schedules import (
    PER_YEAR,
    Frequency,
    Instalment,
    Rule,
    Terms,
    add_months,
    clearance_date,
    schedule,
)
from rentbook.ledger.models import Account, Transaction

REVIEW_MONTHS = 3
#: Proposal terms offered, in months.
TERMS_MONTHS = (3, 6, 12, 24)


class ArrangementError(ValueError):
    pass


# ---- income and expenditure ------------------------------------------------------------------


@transaction.atomic
def record_statement(
    account: Account,
    taken_on: date,
    amounts: Mapping[str, int],
    *,
    adults: int = 1,
    children: int = 0,
    note: str = "",
    by: Any = None,
) -> Statement:
    unknown = set(amounts) - set(statements.SECTION_OF)
    if unknown:
        raise ArrangementError(f"unknown items: {', '.join(sorted(unknown))}")
    if any(v < 0 for v in amounts.values()):
        raise ArrangementError("amounts are never negative")
    s = Statement.objects.create(
        account=account,
        taken_on=taken_on,
        adults=adults,
        children=children,
        note=note,
        created_by=by if getattr(by, "pk", None) else None,
    )
    for item, amount in amounts.items():
        StatementLine.objects.create(
            statement=s, section=statements.SECTION_OF[item], item=item, monthly=amount
        )
    return s


def statement_amounts(s: Statement) -> dict[str, int]:
    return {line.item: line.monthly for line in s.lines.all()}


def summary(s: Statement) -> statements.Summary:
    return statements.summarise(statement_amounts(s), s.adults, s.children)


# ---- proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    months: int | None  # the term chosen; None for "all of the surplus"
    instalment: int  # pence towards the arrears each payment
    ongoing_charge: int  # pence of the ongoing charge each payment
    payments: int
    clears_on: date | None
    affordable: bool

    @property
    def total(self) -> int:
        return self.instalment + self.ongoing_charge

    @property
    def key(self) -> str:
        return f"{self.months or 'surplus'}"


def per_payment(monthly: int, frequency: Frequency) -> int:
    """A monthly amount as pence per payment of the frequency (rounded down)."""
    if frequency == Frequency.ONE_OFF:
        return monthly
    return monthly * 12 // PER_YEAR[frequency]


def charge_per_payment(weekly_charge: int, frequency: Frequency) -> int:
    """The ongoing weekly charge as pence per payment (rounded up, so it is always covered)."""
    if frequency == Frequency.ONE_OFF:
        return 0
    return -(-weekly_charge * 52 // PER_YEAR[frequency])


def proposals(
    arrears: int,
    weekly_charge: int,
    surplus_monthly: int,
    rule: Rule,
    first_payment: date,
    *,
    lump_sum: int = 0,
    lump_sum_on: date | None = None,
) -> list[Proposal]:
    """Instalment options that clear the arrears (after any lump sum) over each term, and one
    that pays all of the surplus, each with its clearance date; the ongoing charge is added
    to every payment so the debt does not grow."""
    f = rule.frequency
    left = arrears - lump_sum
    if left <= 0 or f == Frequency.ONE_OFF:
        return []
    available = per_payment(max(surplus_monthly, 0), f)
    charge = charge_per_payment(weekly_charge, f)
    out = []
    options: list[tuple[int | None, int]] = []
    for months in TERMS_MONTHS:
        n = -(-months * PER_YEAR[f] // 12)
        options.append((months, -(-left // n)))
    if available > 0:
        options.append((None, min(available, left)))
    seen = set()
    for months, instalment in options:
        if instalment in seen:
            continue
        seen.add(instalment)
        terms = Terms(arrears, instalment, rule, first_payment, lump_sum, lump_sum_on)
        try:
            plan = schedule(terms)
        except ValueError:
            continue
        out.append(
            Proposal(
                months,
                instalment,
                charge,
                len([p for p in plan if not p.lump_sum]),
                clearance_date(terms),
                instalment <= available,
            )
        )
    return out


# ---- arrangements ----------------------------------------------------------------------------


def balance_through(account_id: int, day: date) -> int:
    total = Transaction.objects.filter(account_id=account_id, posted_on__lte=day).aggregate(
        s=Sum("amount")
    )["s"]
    return int(total or 0)


def current(account: Account, as_of: date) -> Arrangement | None:
    """The latest arrangement begun on or before ``as_of``."""
    return (
        Arrangement.objects.filter(account=account, start__lte=as_of)
        .order_by("-start", "-id")
        .first()
    )


@transaction.atomic
def create_arrangement(
    account: Account,
    *,
    kind: str,
    rule: Rule,
    instalment: int,
    start: date,
    first_payment: date,
    payment_method: str,
    starting_balance: int | None = None,
    ongoing_charge: int = 0,
    lump_sum: int = 0,
    lump_sum_on: date | None = None,
    tolerance: Tolerance | None = None,
    review_on: date | None = None,
    statement: Statement | None = None,
    by: Any = None,
) -> Arrangement:
    """Set up an arrangement; one already running for the account is cancelled (replaced)."""
    if kind not in Kind.values:
        raise ArrangementError(f"unknown arrangement type {kind!r}")
    if first_payment < start:
        raise ArrangementError("the first payment cannot be before the start")
    if starting_balance is None:
        starting_balance = balance_through(account.pk, start - timedelta(days=1))
    if starting_balance <= 0:
        raise ArrangementError("there are no arrears to clear")
    tolerance = tolerance or Tolerance()
    terms = Terms(starting_balance, instalment, rule, first_payment, lump_sum, lump_sum_on)
    schedule(terms)  # refuses terms that cannot make a schedule
    for old in Arrangement.objects.filter(account=account, cancelled_on__isnull=True).exclude(
        state=State.COMPLETED
    ):
        cancel(old, start, "replaced by a new arrangement")
    a = Arrangement.objects.create(
        account=account,
        statement=statement,
        kind=kind,
        frequency=rule.frequency.value,
        day_of_month=rule.day_of_month,
        weekday=rule.weekday,
        nth=rule.nth,
        instalment=instalment,
        ongoing_charge=ongoing_charge,
        lump_sum=lump_sum,
        lump_sum_on=lump_sum_on,
        start=start,
        first_payment=first_payment,
        payment_method=payment_method,
        tolerance_days=tolerance.days,
        tolerance_pence=tolerance.pence,
        starting_balance=starting_balance,
        review_on=review_on or add_months(start, REVIEW_MONTHS),
        created_by=by if getattr(by, "pk", None) else None,
    )
    ArrangementEvent.objects.create(
        arrangement=a,
        on=start,
        state=State.LIVE,
        expected=starting_balance,
        actual=starting_balance,
        note="arrangement agreed",
    )
    return a


def cancel(a: Arrangement, on: date, reason: str) -> Arrangement:
    a.cancelled_on = on
    a.cancel_reason = reason[:200]
    a.state = State.CANCELLED
    a.save()
    ArrangementEvent.objects.get_or_create(
        arrangement=a,
        on=on,
        state=State.CANCELLED,
        defaults={"note": reason[:200], "breaches": a.breaches},
    )
    return a


def terms_of(a: Arrangement) -> Terms:
    return Terms(
        a.starting_balance, a.instalment, a.rule, a.first_payment, a.lump_sum, a.lump_sum_on
    )


def payments_of(a: Arrangement) -> list[Instalment]:
    return schedule(terms_of(a))


def tolerance_of(a: Arrangement) -> Tolerance:
    return Tolerance(a.tolerance_days, a.tolerance_pence)


def balances_of(a: Arrangement, as_of: date) -> Balances:
    """The account's ledger balance from the arrangement's start to ``as_of``."""
    opening = balance_through(a.account_id, a.start - timedelta(days=1))
    rows = (
        Transaction.objects.filter(
            account_id=a.account_id, posted_on__gte=a.start, posted_on__lte=as_of
        )
        .values("posted_on")
        .annotate(s=Sum("amount"))
        .values_list("posted_on", "s")
    )
    return Balances.from_movements(opening, [(d, int(s)) for d, s in rows])


def assessment(a: Arrangement, as_of: date) -> Assessment:
    return assess(
        a.starting_balance,
        payments_of(a),
        balances_of(a, as_of),
        as_of,
        tolerance_of(a),
        start=a.start,
        cancelled_on=a.cancelled_on,
    )


def statuses(a: Arrangement, as_of: date) -> list[InstalmentStatus]:
    last = as_of if a.cancelled_on is None else min(as_of, a.cancelled_on)
    return instalment_statuses(
        a.starting_balance, payments_of(a), balances_of(a, last), last, tolerance_of(a)
    )


@transaction.atomic
def record_changes(a: Arrangement, as_of: date) -> Assessment:
    """Keep the arrangement's history: each change of state the checks found up to ``as_of``
    (with its date, expected and actual balance), once; and its state and breaches as now.
    Idempotent: the history is derived from the schedule and the ledger."""
    result = assessment(a, as_of)
    previous = State.LIVE
    count = 0
    for check in result.checks:
        if check.state != previous:
            if check.state == State.BREACHED:
                count += 1
            note = {
                State.BREACHED: "payments are behind the schedule",
                State.LIVE: "back on schedule",
                State.COMPLETED: "the balance is cleared",
            }[State(check.state)]
            ArrangementEvent.objects.get_or_create(
                arrangement=a,
                on=check.on,
                state=check.state,
                defaults={
                    "expected": check.expected,
                    "actual": check.actual,
                    "breaches": count,
                    "note": note,
                },
            )
        previous = State(check.state)
    if a.state != result.state or a.breaches != result.breaches:
        a.state = result.state
        a.breaches = result.breaches
        a.save(update_fields=["state", "breaches"])
    return result
