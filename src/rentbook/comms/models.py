"""Letters, texts and emails: templates (versioned), the items sent, print batches and the
administrator's choice of what the arrears run sends on its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.cases.models import DiaryEntry
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Patch


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"


class Template(models.Model):
    """One version of a letter, text or email template.

    Versions are append-only: editing a template saves a new row with the next version and
    makes it current, so a sent item can always say which words it carried. ``code`` is the
    diary action code sending it records (IC1 for letter one), which is also how a policy
    action's recommendation finds its template. The body is plain text with Notify-style
    ((placeholders)); "# " starts a heading and a blank line a new paragraph.
    """

    code = models.CharField(max_length=20, db_index=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=30, default="English")
    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    subject = models.CharField(
        max_length=200, blank=True, help_text="The heading of a letter or subject of an email"
    )
    body = models.TextField()
    red_reminder = models.BooleanField(
        default=False, help_text="Print in the red reminder style (use sparingly)"
    )
    attach_statement = models.BooleanField(
        default=False, help_text="Add a rent statement for the last 13 weeks"
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["code", "channel", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "channel", "language", "version"], name="template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_channel_display()} ({self.language}) v{self.version}"


class Batch(models.Model):
    """Letters sent together: one print-ready PDF, one letter per account in order."""

    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    letters = models.IntegerField(default=0)
    pages = models.IntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.letters} letters"


class Message(models.Model):
    """One letter, text or email for one account: sent, stored for printing, or held."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        STORED = "stored", "Stored in the outbox"
        SENDING = "sending", "Sent to GOV.UK Notify"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        VALIDATION_FAILED = "validation-failed", "Failed Notify's letter checks"

    class Source(models.TextChoices):
        OFFICER = "officer", "Sent by an officer"
        RUN = "run", "Sent automatically after the arrears run"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="messages")
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="messages")
    code = models.CharField(max_length=20)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.OFFICER)
    recommendation_id = models.BigIntegerField(null=True, blank=True)
    recipient = models.TextField(help_text="Address lines, mobile number or email address")
    live = models.BooleanField(default=False, help_text="Sent to the tenant, not a test recipient")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    backend = models.CharField(max_length=10)
    status = models.CharField(max_length=20, choices=Status.choices)
    detail = models.CharField(max_length=300, blank=True, help_text="Why held or failed")
    notify_id = models.CharField(max_length=40, blank=True, db_index=True)
    pdf = models.BinaryField(null=True, blank=True)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    batch_position = models.IntegerField(null=True, blank=True)
    first_page = models.IntegerField(null=True, blank=True)
    last_page = models.IntegerField(null=True, blank=True)
    diary_entry = models.OneToOneField(
        DiaryEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="message"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "code", "created_at"], name="message_dup")]

    def __str__(self) -> str:
        return f"{self.code} {self.channel} to {self.account_id}: {self.status}"


class AutoSend(models.Model):
    """An administrator's choice: the run sends this policy action's item on its own, for one
    patch or (patch empty) every patch."""

    policy = models.CharField(max_length=60)
    action = models.CharField(max_length=60, help_text="The policy action's name")
    patch = models.ForeignKey(Patch, null=True, blank=True, on_delete=models.CASCADE)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "action", "patch"], name="autosend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy}.{self.action} ({self.patch or 'all patches'})"


class LetterRequest(models.Model):
    """Someone asked for the letters a run recommends (all, one letter, one patch) as one print
    file: worked by a task, with its progress here, since thousands of letters take minutes."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey("engine.Run", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=60, blank=True)  # blank: every letter
    patch = models.ForeignKey(Patch, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"letters of run {self.run_id} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 0 if not self.total else min(100, round(100 * self.done / self.total))
