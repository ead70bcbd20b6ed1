"""Combination arrangements in the database: what each of a customer's debts owes and owes
next, agreeing one arrangement across them, and its state per stream from each debt's own
ledger. The arithmetic is debts/combined.py's; nothing here reads the clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum

from rentbook.arrangements import services as rent_arrangements
from rentbook.arrangements.breach import Assessment, Balances, State, Tolerance
from rentbook.arrangements.models import Kind as ArrangementKind
from rentbook.arrangements.models import Statement
from rentbook.arrangements.schedules import Frequency, Rule, add_months
from rentbook.audit.services import record
from rentbook.debts import combined
from rentbook.debts.allocation import DEFAULT_PRIORITY
from rentbook.debts.models import (
    CombinedArrangement,
    CombinedPart,
    Customer,
    Debt,
    DebtEntry,
    EntryKind,
)
from rentbook.debts.run import INSTALMENT_STREAMS, INSTALMENTS, instalments_due
from rentbook.debts.services import debts_of
from rentbook.ledger.balances import account_position
from rentbook.ledger.models import Transaction

RENT = "rent"
REVIEW_MONTHS = 3
STREAM_LABELS = {
    RENT: "Rent",
    "council_tax": "Council tax",
    "ndr": "Non-domestic rates",
    "sundry": "Sundry debt",
    "hbo": "Housing Benefit overpayment",
}


def priority() -> tuple[str, ...]:
    """The landlord's order (settings.RENTBOOK_DEBT_PRIORITY), else priority debts first."""
    return tuple(getattr(settings, "RENTBOOK_DEBT_PRIORITY", DEFAULT_PRIORITY))


def not_yet_due(year: int, billed: int, on: date) -> int:
    """The part of a year's net bill not yet due on ``on`` (ten monthly instalments from
    April, the last carrying the odd pence): debts/run.py's rule for one debt."""
    due = instalments_due(year, on)
    so_far = billed if due >= INSTALMENTS else billed // INSTALMENTS * due
    return max(0, billed - so_far)


def last_instalment(year: int) -> date:
    """The tenth monthly instalment from April: the 1st of January."""
    return date(year + 1, 1, 1)


@dataclass(frozen=True)
class Owing:
    """A debt as the arrangement sees it, with the part the plan reads."""

    part: combined.Part
    label: str
    debt: Debt | None  # None for rent


def owing(customer: Customer, as_of: date, rule: Rule, first: date) -> list[Owing]:
    """Each of the customer's debts with something owed or falling due, as parts: rent (the
    ledger balance before ``as_of``, the weekly charge with every payment), council tax and
    rates (what has fallen due and is unpaid; this year's instalments still to come spread
    over the payments up to the year's last instalment), sundry debts and overpayments (the
    balance)."""
    out: list[Owing] = []
    if customer.account_id is not None:
        account = customer.account
        assert account is not None
        balance = rent_arrangements.balance_through(account.pk, as_of - timedelta(days=1))
        weekly = account_position(account, as_of).weekly_charge
        each = rent_arrangements.charge_per_payment(weekly, rule.frequency)
        if balance > 0 or each:
            out.append(
                Owing(
                    combined.Part(RENT, RENT, 0, max(balance, 0), each),
                    f"Rent, account {account.reference}",
                    None,
                )
            )
    day = as_of - timedelta(days=1)
    sums = {
        r["debt_id"]: r
        for r in DebtEntry.objects.filter(debt__in=debts_of(customer), posted_on__lte=day)
        .values("debt_id")
        .annotate(
            balance=Sum("amount"),
            billed=Sum("amount", filter=Q(kind__in=[EntryKind.CHARGE, EntryKind.REDUCTION])),
        )
    }
    # a debt they are jointly and severally liable for is theirs to pay too
    for d in (
        debts_of(customer)
        .filter(status=Debt.Status.OPEN)
        .order_by("stream", "financial_year", "id")
    ):
        s = sums.get(d.pk)
        balance = int(s["balance"] or 0) if s else 0
        if balance <= 0:
            continue
        label = f"{STREAM_LABELS[d.stream]} {d.financial_year}/{(d.financial_year + 1) % 100:02d}"
        if d.stream in INSTALMENT_STREAMS:
            to_come = min(balance, not_yet_due(d.financial_year, int(s["billed"] or 0), day))
            until = last_instalment(d.financial_year)
            n = combined.payments_until(first, rule, until) if to_come else 0
            if not n:
                # every instalment falls due before the first payment: all of it is arrears
                to_come = 0
            part = combined.Part(
                d.import_ref,
                d.stream,
                d.financial_year,
                balance - to_come,
                -(-to_come // n) if n else 0,
                until if to_come else None,
                to_come or None,
            )
        else:
            part = combined.Part(d.import_ref, d.stream, d.financial_year, balance)
        out.append(Owing(part, f"{label}, {d.import_ref}", d))
    return out


def make_plan(
    parts: Sequence[combined.Part], payment: int, rule: Rule, first: date
) -> combined.Plan:
    return combined.plan(payment, parts, rule, first, priority())


class AgreeError(ValueError):
    pass


@transaction.atomic
def agree(
    customer: Customer,
    *,
    rule: Rule,
    payment: int,
    start: date,
    first_payment: date,
    payment_method: str,
    tolerance: Tolerance | None = None,
    statement: Statement | None = None,
    by: Any = None,
) -> CombinedArrangement:
    """Agree one arrangement across the customer's debts; one already running is cancelled
    (replaced). The rent part is also set up as an arrangement on the rent account."""
    if first_payment < start:
        raise AgreeError("The first payment cannot be before today")
    tolerance = tolerance or Tolerance()
    debts = owing(customer, start, rule, first_payment)
    parts = [o.part for o in debts]
    the_plan = make_plan(parts, payment, rule, first_payment)
    for old in CombinedArrangement.objects.filter(customer=customer, cancelled_on__isnull=True):
        cancel(old, start, "replaced by a new combination arrangement")
    rent_arrangement = None
    rent = next((p for p in parts if p.key == RENT and p.arrears > 0), None)
    if rent is not None and customer.account is not None:
        # The rent run reads ordinary arrangements: the rent part is one too, asking the
        # least the combination pays to the rent arrears with any payment but its last (the
        # share grows once other ongoing charges end), so keeping the combination keeps it;
        # the combination's own rent part holds the exact shares.
        shares = the_plan.instalments(RENT)
        least = min(i.amount for i in (shares[:-1] or shares))
        rent_arrangement = rent_arrangements.create_arrangement(
            customer.account,
            kind=ArrangementKind.INFORMAL,
            rule=rule,
            instalment=least,
            start=start,
            first_payment=shares[0].due,
            payment_method=payment_method,
            starting_balance=rent.arrears,
            ongoing_charge=rent.ongoing_each,
            tolerance=tolerance,
            statement=statement,
            by=by,
        )
    ca = CombinedArrangement.objects.create(
        customer=customer,
        statement=statement,
        rent_arrangement=rent_arrangement,
        frequency=rule.frequency.value,
        day_of_month=rule.day_of_month,
        weekday=rule.weekday,
        payment=payment,
        payment_method=payment_method,
        start=start,
        first_payment=first_payment,
        tolerance_days=tolerance.days,
        tolerance_pence=tolerance.pence,
        priority=list(priority()),
        review_on=add_months(start, REVIEW_MONTHS),
        created_by=by if getattr(by, "pk", None) else None,
    )
    CombinedPart.objects.bulk_create(
        [
            CombinedPart(
                arrangement=ca,
                debt=o.debt,
                stream=o.part.stream,
                key=o.part.key,
                year=o.part.year,
                starting_arrears=o.part.arrears,
                ongoing_each=o.part.ongoing_each,
                ongoing_until=o.part.ongoing_until,
                ongoing_total=o.part.ongoing_total,
            )
            for o in debts
        ]
    )
    record(
        "debts.arrangement_agreed",
        object_type="debts.CombinedArrangement",
        object_id=str(ca.pk),
        summary=f"{customer.name}: £{payment / 100:,.2f} {rule.frequency.value} across "
        f"{len(debts)} debts from {first_payment}",
        after={"payment": payment, "parts": [o.part.key for o in debts]},
        actor=by,
    )
    return ca


def cancel(ca: CombinedArrangement, on: date, reason: str, *, by: Any = None) -> None:
    ca.cancelled_on, ca.cancel_reason, ca.state = on, reason[:200], State.CANCELLED.value
    ca.save(update_fields=["cancelled_on", "cancel_reason", "state"])
    if ca.rent_arrangement is not None and ca.rent_arrangement.cancelled_on is None:
        rent_arrangements.cancel(ca.rent_arrangement, on, reason)
    record(
        "debts.arrangement_cancelled",
        object_type="debts.CombinedArrangement",
        object_id=str(ca.pk),
        summary=f"{ca.customer.name}: {reason}"[:200],
        actor=by,
    )


def rule_of(ca: CombinedArrangement) -> Rule:
    return Rule(Frequency(ca.frequency), ca.day_of_month, ca.weekday)


def part_of(p: CombinedPart) -> combined.Part:
    return combined.Part(
        p.key, p.stream, p.year, p.starting_arrears, p.ongoing_each, p.ongoing_until,
        p.ongoing_total,
    )  # fmt: skip


def plan_of(ca: CombinedArrangement, parts: Sequence[CombinedPart]) -> combined.Plan:
    return combined.plan(
        ca.payment, [part_of(p) for p in parts], rule_of(ca), ca.first_payment, ca.priority
    )


def owed_over_time(ca: CombinedArrangement, p: CombinedPart, as_of: date) -> Balances:
    """What the part's debt owes from the arrangement's start to ``as_of``: the rent ledger's
    balance, or the debt's balance less (for council tax and rates) the instalments not yet
    due, at the end of each day something changed."""
    before = ca.start - timedelta(days=1)
    if p.debt_id is None:
        rows = Transaction.objects.filter(
            account_id=ca.customer.account_id, posted_on__gte=ca.start, posted_on__lte=as_of
        )
        opening = rent_arrangements.balance_through(ca.customer.account_id, before)
        moves = rows.values("posted_on").annotate(s=Sum("amount")).values_list("posted_on", "s")
        return Balances.from_movements(opening, [(d, int(s)) for d, s in moves])
    entries = list(
        DebtEntry.objects.filter(debt_id=p.debt_id, posted_on__lte=as_of)
        .order_by("posted_on", "id")
        .values_list("posted_on", "kind", "amount")
    )
    days = {d for d, _, _ in entries if d >= ca.start}
    if p.stream in INSTALMENT_STREAMS:
        month = date(ca.start.year, ca.start.month, 1)
        while month <= as_of:
            if month >= ca.start:
                days.add(month)
            month = add_months(month, 1)

    def owed(on: date) -> int:
        balance = sum(a for d, _, a in entries if d <= on)
        if p.stream not in INSTALMENT_STREAMS:
            return balance
        billed = sum(
            a for d, k, a in entries if d <= on and k in (EntryKind.CHARGE, EntryKind.REDUCTION)
        )
        return balance - min(balance, not_yet_due(p.year, billed, on))

    ordered = tuple(sorted(days))
    return Balances(owed(before), ordered, tuple(owed(d) for d in ordered))


@dataclass(frozen=True)
class PartView:
    part: CombinedPart
    label: str
    assessment: Assessment | None
    first_share: int  # towards the arrears with the first payment
    clears_on: date | None


def assess(ca: CombinedArrangement, as_of: date, *, save: bool = True) -> list[PartView]:
    """Each part's state on ``as_of`` from its debt's ledger (breach is per stream), saved
    with the arrangement's overall state."""
    parts = list(ca.parts.select_related("debt"))
    the_plan = plan_of(ca, parts)
    tolerance = Tolerance(ca.tolerance_days, ca.tolerance_pence)
    out = []
    for p in parts:
        result = None
        if as_of >= ca.start:
            result = combined.part_state(
                part_of(p),
                the_plan,
                owed_over_time(ca, p, as_of),
                as_of,
                tolerance,
                start=ca.start,
                cancelled_on=ca.cancelled_on,
            )
        first = the_plan.payments[0].arrears.get(p.key, 0) if the_plan.payments else 0
        label = STREAM_LABELS.get(p.stream, p.stream)
        if p.debt is not None:
            label = f"{label} {p.year}/{(p.year + 1) % 100:02d}, {p.key}"
        out.append(PartView(p, label, result, first, the_plan.clears(p.key)))
    if save and as_of >= ca.start:
        changed = []
        for v in out:
            assert v.assessment is not None
            if (v.part.state, v.part.breaches) != (v.assessment.state, v.assessment.breaches):
                v.part.state, v.part.breaches = v.assessment.state, v.assessment.breaches
                changed.append(v.part)
        if changed:
            CombinedPart.objects.bulk_update(changed, ["state", "breaches"])
        state = combined.overall([(v.part.starting_arrears > 0, State(v.part.state)) for v in out])
        if ca.state != state:
            ca.state = state.value
            ca.save(update_fields=["state"])
    return out


def refresh(as_of: date) -> dict[int, str]:
    """Bring every running combination arrangement up to ``as_of``; each debt in one, with
    its part's state (what the debt run reads as ``arrangement_state``)."""
    states: dict[int, str] = {}
    running = CombinedArrangement.objects.filter(
        cancelled_on__isnull=True, start__lte=as_of
    ).exclude(state=State.COMPLETED)
    for ca in running.select_related("customer"):
        for v in assess(ca, as_of):
            if v.part.debt_id is not None:
                states[v.part.debt_id] = v.part.state
    return states
