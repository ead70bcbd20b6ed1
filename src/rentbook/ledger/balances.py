"""An account's position on a day: balance, weekly charge, arrears in weeks, technical arrears.

Technical arrears are the part of a balance that money already on its way will clear: Housing
Benefit paid four-weekly in arrears, Universal Credit managed payments paid monthly in arrears,
and a direct debit collected after the rent week has started. They are shown apart from true
arrears so an officer does not chase a tenant for the landlord's own payment cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

from rentbook.ledger.models import Account, Benefit, Kind, PaymentMethod, Transaction
from rentbook.money import weeks_of_charge

#: How long after a regular credit the next one may still be on its way, by stream.
GRACE_DAYS = 10


@dataclass(frozen=True)
class RegularCredit:
    """The last credit of a stream that pays in arrears (HB, UC managed payment, DD)."""

    amount: int  # pence, positive
    posted_on: date
    period_start: date | None
    period_end: date | None

    @property
    def cycle_days(self) -> int:
        if self.period_start and self.period_end:
            return (self.period_end - self.period_start).days + 1
        return 28

    @property
    def covered_to(self) -> date:
        return self.period_end or self.posted_on


@dataclass(frozen=True)
class ExpectedCredit:
    """What a payer's own schedule says is coming and not yet paid (the DWP's schedule of
    Universal Credit managed payments, benefits/facts.py), as of a day."""

    on: date  # the latest day a line still due is expected
    cover: date  # the period end of the latest line
    amount: int  # pence: every line still due, together
    next_amount: int  # pence: the latest line's amount, what the payment after it will be

    def live(self, as_of: date) -> bool:
        return (as_of - self.on).days <= GRACE_DAYS


def is_live(credit: RegularCredit, as_of: date) -> bool:
    """Whether the stream's next credit is still on its way: within its cycle plus a grace
    period of the last one."""
    return (as_of - credit.posted_on).days <= credit.cycle_days + GRACE_DAYS


def pending(
    credit: RegularCredit | None,
    charged_since_cover: int,
    as_of: date,
    expected: ExpectedCredit | None = None,
    charged_since_expected: int = 0,
) -> int:
    """What the stream's credits on their way are expected to pay towards charges already
    debited.

    When the payer has said what is coming (``expected``, until its day plus the grace
    period): the lines it listed, and the charges since the latest line's period up to one
    more such payment, as if the late payment had come on its cycle. Otherwise the next credit
    after the last one, until the stream is overdue (its cycle plus a grace period has passed
    since the last credit): a missed direct debit or a stopped benefit is true arrears.
    """
    if expected is not None and expected.live(as_of):
        return expected.amount + max(0, min(charged_since_expected, expected.next_amount))
    if credit is None or not is_live(credit, as_of):
        return 0
    return max(0, min(charged_since_cover, credit.amount))


def technical_arrears(balance: int, pendings: list[int]) -> int:
    """The part of a positive balance that pending regular credits will clear."""
    return max(0, min(balance, sum(pendings)))


@dataclass(frozen=True)
class Position:
    balance: int
    weekly_charge: int
    charges: list[tuple[str, str, int]]
    technical_arrears: int
    last_payment_on: date | None
    last_payment_amount: int | None

    @property
    def true_arrears(self) -> int:
        return max(0, self.balance - self.technical_arrears)

    @property
    def weeks_in_arrears(self) -> float | None:
        return weeks_of_charge(max(self.balance, 0), self.weekly_charge)


def _streams(account: Account) -> list[str]:
    """The payment streams of this account that pay in arrears."""
    methods: list[str] = []
    if account.benefit == Benefit.HOUSING_BENEFIT:
        methods.append(PaymentMethod.HOUSING_BENEFIT)
    if account.benefit == Benefit.UNIVERSAL_CREDIT_MANAGED:
        methods.append(PaymentMethod.UNIVERSAL_CREDIT)
    if account.payment_method == PaymentMethod.DIRECT_DEBIT:
        methods.append(PaymentMethod.DIRECT_DEBIT)
    return methods


def account_position(
    account: Account, as_of: date, expected: dict[str, ExpectedCredit] | None = None
) -> Position:
    """``expected``: by stream method, what its payer said is coming (benefits.expected_for),
    which keeps it on its way past its usual cycle."""
    txns = Transaction.objects.filter(account=account, posted_on__lte=as_of)
    balance = txns.aggregate(total=Sum("amount"))["total"] or 0

    tenancy = account.tenancy
    charge_day = as_of
    if tenancy.end_date is not None and tenancy.end_date < as_of:
        charge_day = tenancy.end_date
    lines = account.charge_lines.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=charge_day),
        effective_from__lte=charge_day,
    ).order_by("code")
    charges = [(c.code, c.description, c.weekly_amount) for c in lines]

    last_payment = txns.filter(kind=Kind.PAYMENT).order_by("-posted_on", "-id").first()

    pendings = []
    for method in _streams(account):
        last = txns.filter(kind=Kind.PAYMENT, method=method).order_by("-posted_on", "-id").first()
        credit = (
            RegularCredit(-last.amount, last.posted_on, last.period_start, last.period_end)
            if last is not None
            else None
        )
        since = 0
        if credit is not None:
            since = (
                txns.filter(kind=Kind.CHARGE, posted_on__gt=credit.covered_to).aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
        coming = (expected or {}).get(method)
        since_coming = 0
        if coming is not None:
            since_coming = (
                txns.filter(kind=Kind.CHARGE, posted_on__gt=coming.cover).aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
        pendings.append(pending(credit, since, as_of, coming, since_coming))

    return Position(
        balance=balance,
        weekly_charge=sum(c[2] for c in charges),
        charges=charges,
        technical_arrears=technical_arrears(balance, pendings),
        last_payment_on=last_payment.posted_on if last_payment else None,
        last_payment_amount=-last_payment.amount if last_payment else None,
    )


def balances_on(account_ids: list[int], as_of: date) -> dict[int, int]:
    """Each account's balance on ``as_of``, in pence, read from the ledger summary (each
    account's total to the watermark: ledger/summary.py) less what it summed posted after
    ``as_of``, plus the transactions above the watermark posted by then. Its cost follows the
    accounts and the rows after ``as_of``, not years of history (a sum of every account's rows
    took the post-court review 1.8 s at 100,000 tenancies)."""
    from rentbook.ledger.models import AccountTotal, LedgerSummary

    ids = sorted(set(account_ids))
    through = LedgerSummary.objects.values_list("through_id", flat=True).first() or 0
    found: dict[int, int] = {}
    wanted = set(ids)
    # rows the summary has not read yet: few (each import folds its own in), found by id
    for account_id, amount in Transaction.objects.filter(
        pk__gt=through, posted_on__lte=as_of
    ).values_list("account_id", "amount"):
        if account_id in wanted:
            found[account_id] = found.get(account_id, 0) + amount
    for i in range(0, len(ids), 5000):  # SQLite binds at most 32,766 parameters
        chunk = ids[i : i + 5000]
        for account_id, balance in AccountTotal.objects.filter(account_id__in=chunk).values_list(
            "account_id", "balance"
        ):
            found[account_id] = found.get(account_id, 0) + balance
        later = (
            Transaction.objects.filter(account_id__in=chunk, posted_on__gt=as_of, pk__lte=through)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )
        for account_id, total in later:
            found[account_id] = found.get(account_id, 0) - (total or 0)
    return {i: found.get(i, 0) for i in account_ids}
