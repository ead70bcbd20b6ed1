"""Rent accounts, charge schedules and the append-only transaction ledger (integer pence).

Sign convention: a positive amount increases what the tenant owes (a charge, a refund, a
returned payment), a negative amount reduces it (a payment, a benefit credit, a write-off).
The balance is the sum of an account's transactions; positive means arrears.
"""

from __future__ import annotations

from django.db import models

from rentbook.portfolio.models import Tenancy


class PaymentMethod(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", "Direct debit"
    STANDING_ORDER = "standing_order", "Standing order"
    CARD = "card", "Debit or credit card"
    CASH = "cash", "Cash at the office"
    POST_OFFICE = "post_office", "Post Office"
    PAYPOINT = "paypoint", "PayPoint"
    ALLPAY = "allpay", "Allpay"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    HOUSING_BENEFIT = "housing_benefit", "Housing Benefit"
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit paid to the landlord"
    DHP = "dhp", "Discretionary Housing Payment"
    OTHER = "other", "Other"


#: Kinds that move money between tenant and landlord: a reversal of one of them carries its
#: method (the import door copies it), so money that comes back is told apart from a
#: corrected charge or write-off (ledger/summary.py's ``returned``).
MONEY_KINDS = ("payment", "refund")

#: Methods by which the state, not the tenant, pays: they are benefit credits.
BENEFIT_METHODS = frozenset(
    {PaymentMethod.HOUSING_BENEFIT, PaymentMethod.UNIVERSAL_CREDIT, PaymentMethod.DHP}
)


class Benefit(models.TextChoices):
    NONE = "none", "None"
    HOUSING_BENEFIT = "housing_benefit", "Housing Benefit"
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit (paid to the tenant)"
    UNIVERSAL_CREDIT_MANAGED = "universal_credit_managed", "Universal Credit (managed payment)"


class Kind(models.TextChoices):
    CHARGE = "charge", "Rent or service charge"
    PAYMENT = "payment", "Payment"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Reversal"
    REFUND = "refund", "Refund"
    WRITE_OFF = "write_off", "Write-off"
    WRITE_ON = "write_on", "Write-on"
    COURT_COSTS = "court_costs", "Court costs"
    RECHARGE = "recharge", "Rechargeable repair"


#: The sign each kind's amount must have: +1 owed more, -1 owed less, 0 either.
KIND_SIGN: dict[str, int] = {
    Kind.CHARGE: 1,
    Kind.PAYMENT: -1,
    Kind.ADJUSTMENT: 0,
    Kind.REVERSAL: 0,
    Kind.REFUND: 1,
    Kind.WRITE_OFF: -1,
    Kind.WRITE_ON: 1,
    Kind.COURT_COSTS: 1,
    Kind.RECHARGE: 1,
}


class Account(models.Model):
    """A tenancy's rent account (its reference is the tenancy reference) or, once the tenancy
    has ended owing money, its former tenant account (``former``), to which recovery moves the
    debt. A tenancy has one rent account and at most one former tenant account."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.PROTECT, related_name="accounts")
    # A database default too: the import door's bulk loaders write accounts without this column.
    former = models.BooleanField(
        default=False,
        db_default=False,
        help_text="a former tenant account: the debt left when the tenancy ended",
    )
    reference = models.CharField(max_length=30, unique=True)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    benefit = models.CharField(max_length=30, choices=Benefit.choices, default=Benefit.NONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy", "former"], name="one_account_of_each_kind_per_tenancy"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class ChargeLine(models.Model):
    """One line of a charge schedule: rent or one service charge, weekly, with dates."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="charge_lines")
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=100, blank=True)
    weekly_amount = models.BigIntegerField(help_text="pence per collection week")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=30)
    source_ref = models.CharField(max_length=80)

    class Meta:
        ordering = ["account", "effective_from", "code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="chargeline_source_ref")
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.effective_from}"


class LedgerIsAppendOnly(Exception):
    """Raised on an attempt to change or delete a posted transaction."""


class Transaction(models.Model):
    """One posted ledger entry. Never updated or deleted: corrections are reversals."""

    # No index of its own: the (account, posted_on) index below serves every look-up by
    # account, and it is one index fewer to keep in order on every import.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    posted_on = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    amount = models.BigIntegerField(help_text="pence; positive is owed by the tenant")
    charge_code = models.CharField(max_length=20, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    reverses_ref = models.CharField(max_length=80, blank=True)
    description = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=30)
    source_ref = models.CharField(max_length=80)
    # A plain id, not a foreign key: imports is listed after ledger and may not be imported here.
    batch_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        # Written as expressions so that Django makes it a unique index of its own, not part
        # of the table's definition: SQLite can then drop it for a first load and build it
        # again by sorting, as PostgreSQL does. Both databases read a bare column in
        # parentheses as that column, so ON CONFLICT (source, source_ref) still finds it.
        # The reference comes first: it tells rows apart within a few bytes, where the source
        # is the same on every row of an import; a first load's sort built the index in 24 s
        # instead of 36 s (docs/performance.md).
        constraints = [
            models.UniqueConstraint(
                models.F("source_ref"), models.F("source"), name="transaction_source_ref"
            )
        ]
        indexes = [models.Index(fields=["account", "posted_on"], name="transaction_account_date")]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.kind} {self.amount}p"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise LedgerIsAppendOnly("posted transactions cannot be changed; post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("posted transactions cannot be deleted; post a reversal")


class Checkpoint(models.Model):
    """A summary of the whole ledger up to a date, so the arrears run reads only recent rows.

    Holds every transaction posted on or before ``as_at`` whose id is at most ``through_id``;
    anything else (recent rows, and late rows back-dated to before ``as_at``) is read from the
    ledger itself. See ledger/positions.py.
    """

    as_at = models.DateField()
    through_id = models.BigIntegerField(help_text="the highest transaction id it includes")
    # The lowest id of the rows it does not hold because they were posted after ``as_at``
    # (None: there were none), so readers find every row it lacks by a range of ids.
    first_id_after = models.BigIntegerField(null=True)
    made_at = models.DateTimeField()
    accounts = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"ledger checkpoint as at {self.as_at}"


class AccountCheckpoint(models.Model):
    """One account's position at a checkpoint: its balance, its last payment, the last
    credit of each stream that pays in arrears (HB, UC managed payment, direct debit), and
    its weekly and daily sums just before the checkpoint."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="rows")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    balance = models.BigIntegerField(default=0)
    last_payment_on = models.DateField(null=True)
    hb_on = models.DateField(null=True)
    hb_id = models.BigIntegerField(null=True)
    hb_amount = models.BigIntegerField(null=True)
    hb_start = models.DateField(null=True)
    hb_end = models.DateField(null=True)
    hb_charged = models.BigIntegerField(null=True, help_text="charges after its cover")
    uc_on = models.DateField(null=True)
    uc_id = models.BigIntegerField(null=True)
    uc_amount = models.BigIntegerField(null=True)
    uc_start = models.DateField(null=True)
    uc_end = models.DateField(null=True)
    uc_charged = models.BigIntegerField(null=True, help_text="charges after its cover")
    dd_on = models.DateField(null=True)
    dd_id = models.BigIntegerField(null=True)
    dd_amount = models.BigIntegerField(null=True)
    dd_start = models.DateField(null=True)
    dd_end = models.DateField(null=True)
    dd_charged = models.BigIntegerField(null=True, help_text="charges after its cover")
    # The weeks and days just before ``as_at``, oldest first, as comma-separated pence: the
    # run's look-back (missed payments, the arrears trend) without reading those rows again.
    weeks_charged = models.TextField(default="")
    weeks_tenant_paid = models.TextField(default="")
    weeks_net = models.TextField(default="")
    days_net = models.TextField(default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "account"], name="one_row_per_checkpoint")
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} at checkpoint {self.checkpoint_id}"


class LedgerSummary(models.Model):
    """How far the per-account monthly summary (:class:`AccountMonth`, :class:`AccountTotal`)
    has read the ledger: every transaction with an id up to ``through_id``. One row.

    Readers add the transactions above ``through_id`` from the ledger itself, so the summary
    is never wrong, only more or less complete; see ledger/summary.py.
    """

    through_id = models.BigIntegerField(default=0)
    made_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"ledger summary through transaction {self.through_id}"


class AccountMonth(models.Model):
    """One account's transactions in one rent month, summed by kind (signed pence, as posted).

    A rent month is the rent weeks whose Monday falls in one calendar month, so it starts on
    the month's first Monday: a rent year (first Monday of April) and most rent quarters
    start on one. ``month`` is the calendar month's first day.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    first_on = models.DateField(help_text="the earliest posting date summed")
    last_on = models.DateField(help_text="the latest posting date summed")
    charge = models.BigIntegerField(default=0)
    payment = models.BigIntegerField(default=0)
    benefit = models.BigIntegerField(default=0, help_text="payments by HB, UC or DHP")
    returned = models.BigIntegerField(
        default=0,
        help_text="reversals of payments and refunds (those with a method): a returned direct"
        " debit is positive",
    )
    adjustment = models.BigIntegerField(default=0)
    reversal = models.BigIntegerField(default=0)
    refund = models.BigIntegerField(default=0)
    write_off = models.BigIntegerField(default=0)
    write_on = models.BigIntegerField(default=0)
    court_costs = models.BigIntegerField(default=0)
    recharge = models.BigIntegerField(default=0)

    class Meta:
        # month first: readers take a range of recent months for every account
        constraints = [
            models.UniqueConstraint(fields=["month", "account"], name="one_row_per_account_month")
        ]

    def __str__(self) -> str:
        return f"account {self.account_id} in {self.month:%B %Y}"


class AccountTotal(models.Model):
    """One account's balance over the transactions the summary has read."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    balance = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"account {self.account_id} summed to {self.balance}"


class AccountCredit(models.Model):
    """The last credit (latest date, then highest id) of one stream that pays in arrears
    (Housing Benefit, Universal Credit, direct debit) on one account, among the transactions
    the summary has read, with the charges posted after the period it covered: the facts of
    the ledger's rule for technical arrears (ledger/balances.py) for every account at once."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    txn_id = models.BigIntegerField()
    posted_on = models.DateField()
    amount = models.BigIntegerField(help_text="pence, as posted (negative)")
    period_start = models.DateField(null=True)
    period_end = models.DateField(null=True)
    charged = models.BigIntegerField(
        null=True, help_text="charges posted after its cover (its period end, else its date)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "method"], name="one_last_credit_per_stream")
        ]

    def __str__(self) -> str:
        return f"account {self.account_id}: last {self.method} on {self.posted_on}"
