"""One line of a Housing Benefit schedule: what the benefits system paid (or stopped paying)
for one claim and period. A payment to the landlord is a ledger payment (method
housing_benefit, with the period it covers); the line itself keeps the claim's state and its
shortfalls, which the run reads as facts."""

from __future__ import annotations

from django.db import models

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account


class HousingBenefitLine(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    class Scheme(models.TextChoices):
        REBATE = "rebate", "Rent rebate (council tenants, credited to the rent account)"
        ALLOWANCE = "allowance", "Rent allowance (housing association tenants)"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="hb_lines")
    claim_ref = models.CharField(max_length=30)
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.BigIntegerField(help_text="pence paid for the period (0 when stopped)")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=100, blank=True, default="", db_default="")
    under_occupancy = models.BigIntegerField(
        default=0, db_default=0, help_text="pence a week taken off for spare bedrooms"
    )
    benefit_cap = models.BigIntegerField(
        default=0, db_default=0, help_text="pence a week taken off by the benefit cap"
    )
    #: The ledger payment it posted ("" when nothing was paid to the landlord).
    posted_ref = models.CharField(max_length=80, blank=True, default="", db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [import_key("housingbenefitline_import_key")]

    def __str__(self) -> str:
        return f"HB {self.claim_ref} {self.period_start} to {self.period_end}: {self.status}"


class UniversalCreditLine(models.Model):
    """One claimant's line of the DWP's monthly schedule of managed payments (the housing
    element paid to the landlord under an Alternative Payment Arrangement): the assessment
    period, the day the DWP expects to pay, and, once paid, the day and amount. Until paid, its
    expected day keeps the account's arrears technical (ledger/balances.is_live)."""

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        PAID = "paid", "Paid"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="uc_lines")
    claimant_ref = models.CharField(max_length=30)
    period_start = models.DateField()
    period_end = models.DateField()
    expected_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    amount = models.BigIntegerField(help_text="pence: expected, or paid once paid")
    deduction = models.BigIntegerField(
        default=0, db_default=0, help_text="pence of a third-party deduction for arrears in it"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    posted_ref = models.CharField(max_length=80, blank=True, default="", db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-expected_on", "id"]
        constraints = [import_key("universalcreditline_import_key")]

    def __str__(self) -> str:
        return f"UC {self.claimant_ref} expected {self.expected_on}: {self.status}"


class DhpAward(models.Model):
    """A Discretionary Housing Payment: the application, the council's decision, and the award
    (weekly for a period, or a lump sum). A lump sum is posted on the ledger the day it is
    paid (method dhp); a weekly award is paid with Housing Benefit (its schedule, or a
    transactions row of method dhp)."""

    class Reason(models.TextChoices):
        BEDROOM_TAX = "bedroom_tax", "Under-occupancy charge (bedroom tax)"
        BENEFIT_CAP = "benefit_cap", "Benefit cap"
        LHA_SHORTFALL = "lha_shortfall", "Local Housing Allowance shortfall"
        ARREARS = "arrears", "Rent arrears"
        OTHER = "other", "Other"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        AWARDED = "awarded", "Awarded"
        REFUSED = "refused", "Refused"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="dhp_awards")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    applied_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    weekly_amount = models.BigIntegerField(default=0, db_default=0)
    lump_sum = models.BigIntegerField(default=0, db_default=0)
    paid_on = models.DateField(null=True, blank=True, help_text="the day the lump sum was paid")
    posted_ref = models.CharField(max_length=80, blank=True, default="", db_default="")
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-applied_on", "id"]
        constraints = [import_key("dhpaward_import_key")]

    def __str__(self) -> str:
        return f"DHP {self.get_reason_display()} ({self.decision})"


class DhpFund(models.Model):
    """The council's DHP allocation for a rent year (from the DWP, plus any top-up)."""

    year_start = models.DateField(unique=True, help_text="the first Monday of April")
    budget = models.BigIntegerField(help_text="pence")

    class Meta:
        ordering = ["-year_start"]

    def __str__(self) -> str:
        return f"DHP fund from {self.year_start}"


class UcRequest(models.Model):
    """A request the landlord made to the DWP: a managed payment (APA) or a third-party
    deduction for arrears, with the evidence it gave and the outcome."""

    class Kind(models.TextChoices):
        MANAGED_PAYMENT = "managed_payment", "Managed payment of the housing element (APA)"
        DEDUCTION = "deduction", "Third-party deduction for rent arrears"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="uc_requests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    requested_on = models.DateField()
    arrears = models.BigIntegerField(help_text="pence owed when requested")
    monthly_rent = models.BigIntegerField(help_text="pence")
    reason = models.CharField(max_length=200)
    deduction = models.BigIntegerField(default=0, help_text="pence a month asked for")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    outcome_on = models.DateField(null=True, blank=True)
    dwp_reference = models.CharField(max_length=40, blank=True, default="")
    made_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} requested {self.requested_on}"
