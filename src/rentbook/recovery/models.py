"""Former tenant arrears, tracing, debt recovery agencies, write-offs and their approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account


class FormerTenantAccount(models.Model):
    """The debt left when a tenancy ends, moved from its rent account to an account of its own
    (a ledger account, so payments, write-offs and write-ons post to it like any other)."""

    class Tracing(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed: forwarding address known"
        NOT_STARTED = "not_started", "Not started"
        TRACING = "tracing", "Tracing"
        TRACED = "traced", "Traced"
        UNTRACEABLE = "untraceable", "Untraceable after tracing"

    rent_account = models.OneToOneField(
        Account, on_delete=models.PROTECT, related_name="former_tenant_account"
    )
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="former_of")
    ended_on = models.DateField()
    transferred = models.BigIntegerField(help_text="pence moved from the rent account")
    forwarding_address = models.TextField(blank=True)
    tracing = models.CharField(max_length=12, choices=Tracing.choices, default=Tracing.NOT_STARTED)
    letter_sent_on = models.DateField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        constraints = [import_key("former_tenant_account_import_key")]

    def __str__(self) -> str:
        return f"former tenant account {self.account.reference}"


class AgencyReferral(models.Model):
    """A former tenant debt referred to a debt recovery agency."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        PAYING = "paying", "Paying"
        COLLECTED = "collected", "Collected in full"
        UNECONOMIC = "uneconomic", "Agency advises uneconomic to pursue"
        UNTRACEABLE = "untraceable", "Agency could not trace"
        RETURNED = "returned", "Returned by the agency"

    former = models.ForeignKey(
        FormerTenantAccount, on_delete=models.PROTECT, related_name="referrals"
    )
    agency = models.CharField(max_length=100)
    referred_on = models.DateField()
    amount = models.BigIntegerField(help_text="pence referred")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REFERRED)
    outcome_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [import_key("agency_referral_import_key")]

    def __str__(self) -> str:
        return f"{self.reference} to {self.agency}"

    @property
    def reference(self) -> str:
        return f"AG-{self.pk}"


class MoneyJudgement(models.Model):
    """A small-claims money judgement sought for a static former tenant balance."""

    former = models.ForeignKey(
        FormerTenantAccount, on_delete=models.PROTECT, related_name="judgements"
    )
    applied_on = models.DateField()
    amount = models.BigIntegerField(help_text="pence claimed")
    granted_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"money judgement applied {self.applied_on}"


class WriteOff(models.Model):
    """A write-off proposed, and approved or refused at the level its amount and reason need."""

    class Reason(models.TextChoices):
        DECEASED = "deceased", "Deceased with no estate"
        UNTRACEABLE = "untraceable", "Untraceable after tracing"
        INSOLVENCY = "insolvency", "Bankrupt, sequestrated or under a debt relief order"
        UNECONOMIC = "uneconomic", "Agency advises uneconomic to pursue"
        SMALL_BALANCE = "small_balance", "Small balance"
        EXCEPTIONAL = "exceptional", "Exceptional circumstances (such as permanent care)"

    class Level(models.TextChoices):
        OFFICER = "officer", "Income officer"
        MANAGER = "manager", "Income manager"
        COMMITTEE = "committee", "Committee"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting approval"
        APPROVED = "approved", "Approved and written off"
        REFUSED = "refused", "Refused"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="write_offs")
    amount = models.BigIntegerField(help_text="pence to write off (positive)")
    reason = models.CharField(max_length=14, choices=Reason.choices)
    note = models.TextField(blank=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # empty only for a write-off imported from a housing system, which names people as text
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by_name = models.CharField(max_length=100, blank=True)
    proposed_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(max_length=100, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    committee_ref = models.CharField(max_length=60, blank=True)
    transaction_id = models.BigIntegerField(null=True, blank=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [import_key("write_off_import_key")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_reason_display()}"

    @property
    def reference(self) -> str:
        return f"WO-{self.pk}"

    @property
    def proposer_name(self) -> str:
        return self.proposed_by.display_name if self.proposed_by else self.proposed_by_name

    @property
    def decider_name(self) -> str:
        return self.decided_by.display_name if self.decided_by else self.decided_by_name
