"""What officers record on a case: the action diary, pauses, and flags (holds and circumstances).

The arrears run reads these as facts (the last action and its date, an active pause, an active
breathing space), so what an officer records changes what the next run recommends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account


class Category(models.TextChoices):
    """The categories of shared/conformance/FORMAT.md, shared by diary entries and policies."""

    NONE = "none", "No action"
    HOLD = "hold", "Hold"
    CONTACT = "contact", "Contact"
    LETTER = "letter", "Letter"
    VISIT = "visit", "Visit"
    ARRANGEMENT = "arrangement", "Arrangement"
    BENEFIT = "benefit", "Benefit help"
    NOTICE = "notice", "Notice"
    COURT = "court", "Court"
    ENFORCEMENT = "enforcement", "Enforcement"
    RECOVERY = "recovery", "Former tenant recovery"
    WRITE_OFF = "write_off", "Write-off"
    REVIEW = "review", "Review"


class DiaryEntry(models.Model):
    """One thing done on a case: a call, a text, a letter, a visit, a promise, a referral.

    ``code`` is the action code policies test (a policy's action declares the code it records,
    such as IC1 for Hackney's first letter); ``category`` groups codes for reports.
    """

    class Source(models.TextChoices):
        OFFICER = "officer", "Recorded by an officer"
        RUN = "run", "Done automatically by the arrears run"
        IMPORT = "import", "Imported"
        TENANT = "tenant", "Told us online by the tenant"

    # Indexed by (account, at) below, which also serves look-ups by account alone; no index
    # by code (every query by code names the accounts too): each index costs every import.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="diary", db_index=False
    )
    at = models.DateTimeField(db_index=True)
    code = models.CharField(max_length=20)
    category = models.CharField(max_length=12, choices=Category.choices)
    outcome = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)
    promise_amount = models.BigIntegerField(null=True, blank=True, help_text="pence")
    promise_date = models.DateField(null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.OFFICER)
    # The recommendation this entry followed, if any (a plain id: engine comes after cases).
    recommendation_id = models.BigIntegerField(null=True, blank=True)
    # For a letter, text or email rentbook sent: the mail service's latest status for it
    # ("stored", "sending", "delivered", "validation-failed"…); blank when not sent by rentbook.
    # The run reads it as latest_letter_status (cases/letter_facts.py).
    delivery_status = models.CharField(max_length=30, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # An imported entry: the housing system's own code and officer, as the file gave them
    # (``code`` is the rentbook code the landlord's mapping gave it).
    source_code = models.CharField(max_length=20, blank=True)
    officer_name = models.CharField(max_length=100, blank=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "at"], name="diary_account_at")]
        constraints = [import_key("diary_import_key")]
        verbose_name_plural = "diary entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.code}"


class Pause(models.Model):
    """An officer's decision to hold a case until a date, with the reason."""

    class Reason(models.TextChoices):
        PROMISE = "promise", "Promise of payment"
        BENEFIT_CLAIM = "benefit_claim", "Benefit claim being processed"
        HOSPITAL = "hospital", "In hospital"
        BEREAVEMENT = "bereavement", "Bereavement"
        DISPUTE = "dispute", "Dispute under investigation"
        VULNERABILITY = "vulnerability", "Vulnerability: support being arranged"
        OTHER = "other", "Other"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    until = models.DateField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [import_key("pause_import_key")]

    def __str__(self) -> str:
        return f"paused until {self.until}: {self.get_reason_display()}"


class Flag(models.Model):
    """A hold or circumstance with dates: breathing space, vulnerability, a pending claim."""

    class Type(models.TextChoices):
        BREATHING_SPACE = "breathing_space", "Breathing space (standard)"
        MENTAL_HEALTH_CRISIS = "mental_health_crisis", "Breathing space (mental health crisis)"
        VULNERABLE = "vulnerable", "Vulnerable"
        DISPUTE = "dispute", "Dispute"
        BENEFIT_CLAIM_PENDING = "benefit_claim_pending", "Benefit claim pending"
        DECEASED = "deceased", "Deceased"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="flags")
    type = models.CharField(max_length=24, choices=Type.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [import_key("flag_import_key")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} from {self.starts_on}"
