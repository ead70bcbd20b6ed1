"""What tenants' own pages keep: the one-time sign-in codes sent to them, the attempts
counted to throttle guessing, and the card payments they start with the payment service.

Codes are kept only as a keyed hash; a payment is posted to the ledger through the import
door (banking's ``cash_payments`` kind), so this record explains the ledger row, never
replaces it."""

from __future__ import annotations

from django.db import models

from rentbook.ledger.models import Account
from rentbook.portfolio.models import Tenant


class SignInCode(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="sign_in_codes")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    #: Where it went, masked as the tenant was shown it ("07••• •••123").
    sent_to = models.CharField(max_length=120)
    #: What the code confirms: a sign-in, or a new email address or mobile number.
    purpose = models.CharField(max_length=12, default="sign-in")
    #: For a contact change: the new address or number, saved once the code is entered.
    new_value = models.CharField(max_length=254, blank=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="signincode_tenant")]

    def __str__(self) -> str:
        return f"{self.purpose} code to {self.sent_to}"


class Attempt(models.Model):
    """One counted attempt (a look-up, a code sent, a wrong code) for throttling: keyed by a
    hash of who or where it came from, never the raw address."""

    kind = models.CharField(max_length=12)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"], name="attempt_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at}"


class CardPayment(models.Model):
    """A card payment a tenant started online, and what the payment service says of it."""

    class State(models.TextChoices):
        CREATED = "created", "Created"
        STARTED = "started", "Started"
        SUBMITTED = "submitted", "Submitted"
        SUCCESS = "success", "Paid"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        ERROR = "error", "Error"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="card_payments")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="card_payments")
    amount = models.BigIntegerField(help_text="pence")
    #: Ours, random: names the payment in the return address (never the provider's id).
    token = models.CharField(max_length=32, unique=True)
    provider = models.CharField(max_length=12)
    provider_id = models.CharField(max_length=64, blank=True)
    next_url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    #: When it was posted to the ledger, and the import batch that posted it.
    posted_at = models.DateTimeField(null=True, blank=True)
    batch_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="cardpayment_provider_once",
            )
        ]

    def __str__(self) -> str:
        return f"card payment {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {"success", "failed", "cancelled", "error"}


class FakePayment(models.Model):
    """The fake payment service's own record (selfservice/pay.py ``FakePay``), for tests and
    the demo: what GOV.UK Pay would hold."""

    payment_id = models.CharField(max_length=32, unique=True)
    amount = models.BigIntegerField()
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    return_url = models.URLField(max_length=500)
    status = models.CharField(max_length=10, default="created")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.payment_id
