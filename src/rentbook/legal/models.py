"""The legal pathway: notices, court cases and orders, warrants, evictions and appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account
from rentbook.legal.rules import NOTICE_TYPES, OUTCOMES


class Notice(models.Model):
    """A notice of seeking possession, a section 8 notice or a notice of proceedings."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="notices")
    type = models.CharField(max_length=10, choices=list(NOTICE_TYPES.items()))
    served_on = models.DateField()
    earliest_court_on = models.DateField()
    expires_on = models.DateField()
    grounds = models.CharField(max_length=100, blank=True)
    #: The pre-action steps on the record when it was served: [{key, label, done_on}].
    steps = models.JSONField(default=list)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField()
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-served_on", "-id"]
        constraints = [import_key("notice_import_key")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} served {self.served_on}"


class CourtCase(models.Model):
    """Possession proceedings on a notice: hearing, outcome, terms, costs, warrant."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="court_cases")
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.PROTECT)
    applied_on = models.DateField()
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=4, blank=True, choices=[(o.code, o.label) for o in OUTCOMES]
    )
    outcome_on = models.DateField(null=True, blank=True)
    #: Terms ordered: weekly rent plus this much a week off the arrears (pence).
    terms_weekly = models.BigIntegerField(null=True, blank=True, help_text="pence a week")
    costs = models.BigIntegerField(default=0, help_text="court costs awarded, pence")
    struck_out_on = models.DateField(null=True, blank=True)
    warrant_applied_on = models.DateField(null=True, blank=True)
    warrant_issued_on = models.DateField(null=True, blank=True)
    eviction_on = models.DateField(null=True, blank=True)
    #: The arrangement made from the order's terms (arrangements app; a plain id).
    arrangement_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-applied_on", "-id"]
        constraints = [import_key("court_case_import_key")]

    def __str__(self) -> str:
        return f"court case applied {self.applied_on}"


class Eviction(models.Model):
    """An eviction under a warrant (decree): authorisation, notification, appeal, outcome."""

    class Outcome(models.TextChoices):
        EVICTED = "evicted", "Evicted"
        CANCELLED = "cancelled", "Cancelled"
        STAYED = "stayed", "Stayed"

    court_case = models.OneToOneField(CourtCase, on_delete=models.PROTECT, related_name="eviction")
    eviction_on = models.DateField()
    #: {consultation key: ISO date done}
    consultations = models.JSONField(default=dict)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authorised_on = models.DateField(null=True, blank=True)
    recipients = models.JSONField(default=list)
    notified_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, blank=True, choices=Outcome.choices)
    outcome_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"eviction {self.eviction_on}"


class ReviewPlan(models.Model):
    """The plan recorded against a post-court case in the post-court review (seed 000, 2.7)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="review_plans")
    plan = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_on = models.DateField()

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"post-court plan of {self.recorded_on}"
