"""Corporate debt: a customer (a person or an organisation) and every council debt they owe
beside their rent: council tax, non-domestic rates (NDR), sundry debts and Housing Benefit
overpayments (HBO). Each debt has its own append-only ledger in integer pence, written only
by the import door (debts/import_kinds.py): entries are never changed, only reversed
(docs/corporate-debt.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account


class Stream(models.TextChoices):
    COUNCIL_TAX = "council_tax", "Council tax"
    NDR = "ndr", "Non-domestic rates"
    SUNDRY = "sundry", "Sundry debtors"
    HBO = "hbo", "Housing Benefit overpayment"


class Customer(models.Model):
    """Someone who owes the council: matched to a tenancy's rent account when they are its
    tenant (by the housing system's reference, or by a person confirming a suggested match:
    never silently)."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    nino = models.CharField("National Insurance number", max_length=9, blank=True, default="")
    address = models.CharField(max_length=200, blank=True, default="")
    # not indexed: nothing looks a customer up by postcode (matching reads them all at once)
    postcode = models.CharField(max_length=10, blank=True, default="")
    #: The rent account of the tenancy this customer holds, once known.
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    created_at = models.DateTimeField(db_default=Now())
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["name", "id"]
        constraints = [import_key("customer_import_key")]

    def __str__(self) -> str:
        return f"{self.name} ({self.import_ref})"


class CustomerMatch(models.Model):
    """A possible match of a customer to a tenancy's rent account, waiting for a person: the
    same person in two systems is never merged on a guess."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "The same person: linked"
        REJECTED = "rejected", "Not the same person"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="matches")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    #: What agrees, in words ("date of birth, surname and postcode").
    evidence = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "account"], name="one_match_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.customer} may be the tenant of account {self.account_id}"


class Debt(models.Model):
    """One debt of a customer: a council tax account's year, a rates account's year, an
    invoice, or an overpayment decision. Its balance is the sum of its entries."""

    class Cause(models.TextChoices):
        CLAIMANT_ERROR = "claimant_error", "Claimant error"
        OFFICIAL_ERROR = "official_error", "Official error"
        FRAUD = "fraud", "Fraud"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # indexed by debt_customer_stream, which starts with it (one index less to build on a load)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="debts", db_index=False
    )
    stream = models.CharField(max_length=12, choices=Stream.choices)
    #: The financial year it is for, by its first year: 2013 is 2013/14 (1 April to 31 March).
    financial_year = models.PositiveSmallIntegerField()
    raised_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    #: Sundry debts: the service department that raised the invoice.
    department = models.CharField(max_length=60, blank=True, default="")
    #: HBO: why it was overpaid, and whether it is recoverable.
    cause = models.CharField(max_length=16, choices=Cause.choices, blank=True, default="")
    recoverable = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    description = models.CharField(max_length=200, blank=True, default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["stream", "-financial_year", "id"]
        constraints = [import_key("debt_import_key")]
        indexes = [models.Index(fields=["customer", "stream"], name="debt_customer_stream")]

    def __str__(self) -> str:
        return f"{self.get_stream_display()} {self.import_ref}"


class DebtParty(models.Model):
    """Someone else jointly and severally liable for a debt (council tax: the joint owners or
    tenants of a dwelling, and a resident's partner; Local Government Finance Act 1992 ss6, 9,
    75, 77): each owes the whole of it. The debt's ``customer`` is the one billed."""

    # indexed by debtparty_debt, which starts with it
    debt = models.ForeignKey(Debt, on_delete=models.PROTECT, related_name="parties", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="joint_debts")
    created_at = models.DateTimeField(db_default=Now())
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["id"]
        constraints = [import_key("debtparty_import_key")]
        indexes = [models.Index(fields=["debt", "customer"], name="debtparty_debt")]
        verbose_name_plural = "debt parties"

    def __str__(self) -> str:
        return f"{self.customer} jointly liable for {self.debt}"


class EntryKind(models.TextChoices):
    CHARGE = "charge", "Charge (bill, instalment plan, invoice, overpayment)"
    REDUCTION = "reduction", "Reduction or relief (council tax reduction, rates relief)"
    SURCHARGE = "surcharge", "Statutory surcharge or costs"
    PAYMENT = "payment", "Payment"
    ADJUSTMENT = "adjustment", "Adjustment"
    WRITE_OFF = "write_off", "Write-off"
    REVERSAL = "reversal", "Reversal of an entry"


#: The sign each kind's amount takes (+ owed, - paid or taken off); adjustments and
#: reversals either.
SIGN = {
    EntryKind.CHARGE: 1,
    EntryKind.SURCHARGE: 1,
    EntryKind.REDUCTION: -1,
    EntryKind.PAYMENT: -1,
    EntryKind.WRITE_OFF: -1,
}


class WriteOffReason(models.TextChoices):
    """Seed 002 §5's six reasons."""

    DECEASED = "deceased", "Deceased with no estate"
    GONE_AWAY = "gone_away", "Gone away, no trace"
    SEQUESTRATION = "sequestration", "Sequestration, trust deed or liquidation"
    UNECONOMIC = "uneconomic", "Uneconomic to pursue"
    PRESCRIBED = "prescribed", "Prescribed (time-barred)"
    OTHER = "other", "Other, approved case by case"


class DebtEntry(models.Model):
    """One append-only entry on a debt's ledger: never changed, only reversed."""

    # indexed by debtentry_debt_date, which starts with it
    debt = models.ForeignKey(Debt, on_delete=models.PROTECT, related_name="entries", db_index=False)
    posted_on = models.DateField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount = models.BigIntegerField(help_text="pence: positive owed, negative paid or removed")
    description = models.CharField(max_length=200, blank=True, default="")
    write_off_reason = models.CharField(
        max_length=16, choices=WriteOffReason.choices, blank=True, default=""
    )
    reverses_ref = models.CharField(max_length=80, blank=True, default="")
    # set by the database, so a load of millions of entries does not send the same instant
    # with every row
    created_at = models.DateTimeField(db_default=Now())
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["posted_on", "id"]
        constraints = [import_key("debtentry_import_key")]
        indexes = [models.Index(fields=["debt", "posted_on"], name="debtentry_debt_date")]
        verbose_name_plural = "debt entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.posted_on}"


class DebtAction(models.Model):
    """A recovery step taken on a debt (a reminder, a final notice, a summary warrant...): the
    history the debt policies read as ``actions``, by code."""

    # indexed by debtaction_debt_at, which starts with it
    debt = models.ForeignKey(Debt, on_delete=models.PROTECT, related_name="actions", db_index=False)
    code = models.CharField(max_length=12)
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["at", "id"]
        constraints = [import_key("debtaction_import_key")]
        indexes = [models.Index(fields=["debt", "at"], name="debtaction_debt_at")]

    def __str__(self) -> str:
        return f"{self.code} on {self.at:%Y-%m-%d}"


class DebtRun(models.Model):
    """The weekly run over every open debt: each decided by its stream's policy."""

    as_of = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    debts = models.PositiveIntegerField(default=0)
    #: The policy that decided each stream, by stream.
    policies = models.JSONField(default=dict)

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"debt run as of {self.as_of}"


class DebtRecommendation(models.Model):
    # indexed by debtrec_run_action, which starts with it
    run = models.ForeignKey(
        DebtRun, on_delete=models.CASCADE, related_name="recommendations", db_index=False
    )
    debt = models.ForeignKey(Debt, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=60)
    category = models.CharField(max_length=20)
    priority = models.IntegerField(default=0)
    rule = models.CharField(max_length=60, blank=True, default="")
    reasons = models.JSONField(default=list)
    balance = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-priority", "id"]
        indexes = [models.Index(fields=["run", "action"], name="debtrec_run_action")]

    def __str__(self) -> str:
        return f"{self.action} for debt {self.debt_id}"


class CombinedArrangement(models.Model):
    """One arrangement across a customer's debts (seed 002 4.4): one payment at one frequency,
    each allocated ongoing liabilities first and then arrears by priority
    (debts/combined.py). The rent part is also an ordinary arrangement on the rent account, so
    the rent run sees it as it sees any other."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="arrangements")
    statement = models.ForeignKey(
        "arrangements.Statement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rent_arrangement = models.ForeignKey(
        "arrangements.Arrangement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    frequency = models.CharField(max_length=12)
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 is Monday")
    payment = models.BigIntegerField(help_text="pence each payment")
    payment_method = models.CharField(max_length=20)
    start = models.DateField()
    first_payment = models.DateField()
    tolerance_days = models.PositiveSmallIntegerField(default=5)
    tolerance_pence = models.BigIntegerField(default=0)
    #: The streams' priority order the allocation used when it was agreed.
    priority = models.JSONField(default=list)
    review_on = models.DateField()
    state = models.CharField(max_length=10, default="live")
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"combination arrangement from {self.start}"


class CombinedPart(models.Model):
    """One debt in a combination arrangement: the arrears it had when agreed, its ongoing
    liability with each payment, and its own state (breach is per stream)."""

    arrangement = models.ForeignKey(
        CombinedArrangement, on_delete=models.CASCADE, related_name="parts"
    )
    #: None for the rent part (the customer's rent account).
    debt = models.ForeignKey(
        Debt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stream = models.CharField(max_length=12)
    key = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    starting_arrears = models.BigIntegerField()
    ongoing_each = models.BigIntegerField(default=0)
    ongoing_until = models.DateField(null=True, blank=True)
    ongoing_total = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, default="live")
    breaches = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "key"], name="combined_part_once")
        ]

    def __str__(self) -> str:
        return f"{self.stream} {self.key}"


class FundYear(models.Model):
    """One fund's figures for a financial year, as the revenues summary prints them (seed 002
    ¶3), worked out in the background after each debt entries import (debts/funds.py), so
    the page reads a few stored rows however many entries there are."""

    year = models.PositiveSmallIntegerField()
    fund = models.CharField(max_length=12)
    cash_collected = models.BigIntegerField()
    billed = models.BigIntegerField()
    written_off = models.BigIntegerField()
    #: Council tax and rates: cash for the year's own bills received in the year (the
    #: statutory in-year collection rate's numerator); None for the other funds.
    in_year_cash = models.BigIntegerField(null=True, blank=True)
    worked_out_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "fund"], name="fund_year_once")]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}"


class CollectionCost(models.Model):
    """What collecting a fund cost in a financial year, as the council's accounts give it,
    and the dwellings it was collected from: the cost of collection per dwelling."""

    year = models.PositiveSmallIntegerField()
    fund = models.CharField(max_length=12)
    cost = models.BigIntegerField(help_text="pence")
    dwellings = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["year", "fund"]
        constraints = [
            models.UniqueConstraint(fields=["year", "fund"], name="collection_cost_once")
        ]

    def __str__(self) -> str:
        return f"cost of collecting {self.fund} in {self.year}"

    @property
    def per_dwelling(self) -> int:
        """Pence a dwelling, rounded half up."""
        return (2 * self.cost + self.dwellings) // (2 * self.dwellings) if self.dwellings else 0
