"""Payment arrangements: income and expenditure, proposals, schedules and breach detection.

- ``Statement``: an income and expenditure statement in the Standard Financial Statement's
  categories, with its date; its lines are monthly amounts in pence.
- ``Arrangement``: the terms agreed (type, frequency, day, instalment, lump sum, first payment,
  payment method, tolerance) and the starting balance it clears; ``state`` is the state last
  recorded (the run derives the current one from the schedule and the ledger).
- ``ArrangementEvent``: each change of state with its date and figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.arrangements.breach import DEFAULT_TOLERANCE_DAYS, DEFAULT_TOLERANCE_PENCE, State
from rentbook.arrangements.schedules import FREQUENCY_LABELS, Frequency, Rule
from rentbook.imports.models import import_key, import_ref_field, import_source_field
from rentbook.ledger.models import Account, PaymentMethod


class Section(models.TextChoices):
    """The Standard Financial Statement's sections."""

    INCOME = "income", "Income"
    FIXED = "fixed", "Fixed costs"
    FLEXIBLE = "flexible", "Flexible costs"
    PRIORITY = "priority", "Priority debts"
    OTHER = "other", "Other debts"


class Statement(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="statements")
    taken_on = models.DateField()
    adults = models.PositiveSmallIntegerField(default=1)
    children = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_source = import_source_field()
    import_ref = import_ref_field()
    # An imported statement's lines as the file gave them ("item=pence,..."), so a later file
    # that changes an amount is seen as a change.
    import_lines = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-taken_on", "-id"]
        constraints = [import_key("statement_import_key")]

    def __str__(self) -> str:
        return f"income and expenditure {self.taken_on}"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(max_length=10, choices=Section.choices)
    item = models.CharField(max_length=30)
    monthly = models.BigIntegerField(help_text="pence a month")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "item"], name="statement_line_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.monthly}"


class Kind(models.TextChoices):
    INFORMAL = "informal", "Informal"
    COURT_ORDERED = "court_ordered", "Court-ordered (terms of a suspended order or decree)"


class Arrangement(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="arrangements")
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.INFORMAL)
    frequency = models.CharField(
        max_length=12, choices=[(f.value, FREQUENCY_LABELS[f]) for f in Frequency]
    )
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 is Monday")
    nth = models.SmallIntegerField(null=True, blank=True, help_text="1 to 4, or -1 for last")
    instalment = models.BigIntegerField(help_text="pence towards the arrears each payment")
    ongoing_charge = models.BigIntegerField(
        default=0, help_text="pence of the ongoing charge paid with each instalment"
    )
    lump_sum = models.BigIntegerField(default=0)
    lump_sum_on = models.DateField(null=True, blank=True)
    start = models.DateField()
    first_payment = models.DateField()
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    tolerance_days = models.PositiveSmallIntegerField(default=DEFAULT_TOLERANCE_DAYS)
    tolerance_pence = models.BigIntegerField(default=DEFAULT_TOLERANCE_PENCE)
    starting_balance = models.BigIntegerField(help_text="pence the arrangement clears")
    review_on = models.DateField()
    state = models.CharField(
        max_length=10, choices=[(s.value, s.value) for s in State], default=State.LIVE
    )
    breaches = models.PositiveIntegerField(default=0)
    # breaches of the arrangements this one replaced (a renegotiation keeps the count)
    prior_breaches = models.PositiveIntegerField(default=0)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_source = import_source_field()
    import_ref = import_ref_field()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["account", "start"], name="arrangement_account_start")]
        constraints = [import_key("arrangement_import_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} arrangement from {self.start}"

    @property
    def rule(self) -> Rule:
        return Rule(Frequency(self.frequency), self.day_of_month, self.weekday, self.nth)


class ArrangementEvent(models.Model):
    """A change of state: created, breached, back on track, completed, cancelled."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="events")
    on = models.DateField()
    state = models.CharField(max_length=10, choices=[(s.value, s.value) for s in State])
    expected = models.BigIntegerField(null=True, blank=True)
    actual = models.BigIntegerField(null=True, blank=True)
    breaches = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "on", "state"], name="arrangement_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.state}"


class TenantProposal(models.Model):
    """An arrangement a tenant proposed online (selfservice/), waiting on an officer: their
    income and expenditure, the terms they offered, and what the affordability rules found
    (arrangements/offers.py), as the tenant was told it. Accepting it makes the arrangement."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an officer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="proposals")
    tenant = models.ForeignKey(
        "portfolio.Tenant", on_delete=models.PROTECT, related_name="proposals"
    )
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="proposals")
    frequency = models.CharField(
        max_length=12, choices=[(f.value, FREQUENCY_LABELS[f]) for f in Frequency]
    )
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 is Monday")
    instalment = models.BigIntegerField(help_text="pence towards the arrears each payment")
    ongoing_charge = models.BigIntegerField(help_text="pence of the ongoing charge each payment")
    first_payment = models.DateField()
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    arrears = models.BigIntegerField(help_text="pence owed when it was proposed")
    #: What the affordability rules found, as the tenant was told: [{code, words}].
    findings = models.JSONField(default=list, blank=True)
    tenant_note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    #: The officer's reply, shown to the tenant on their pages and sent to them.
    reply = models.TextField(blank=True)
    arrangement = models.ForeignKey(
        Arrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="proposal_status")]

    def __str__(self) -> str:
        return f"proposal {self.pk} from {self.tenant_id}"

    @property
    def rule(self) -> Rule:
        return Rule(Frequency(self.frequency), self.day_of_month, self.weekday)

    @property
    def per_payment(self) -> int:
        return self.instalment + self.ongoing_charge


class ProgressPoint(models.Model):
    """Every arrangement's checks worked out up to a ledger checkpoint's day, so the weekly
    run folds in only the days after it instead of re-reading each arrangement's whole
    history (arrangements/progress.py). It holds what the ledger held at the checkpoint:
    rows posted on or before ``as_at`` with ids up to ``through_id``."""

    as_at = models.DateField()
    through_id = models.BigIntegerField()
    # the checkpoint's: where the rows posted after ``as_at`` begin (ledger/positions.py)
    first_id_after = models.BigIntegerField(null=True)
    made_at = models.DateTimeField(auto_now_add=True)
    arrangements = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"arrangement progress as at {self.as_at}"


class ArrangementProgress(models.Model):
    """One arrangement's checks up to its point's day: the state of the latest check, the
    breaches so far, and the balance then. ``terms`` are the schedule's terms as they were,
    so an arrangement changed since is worked out again from its start."""

    point = models.ForeignKey(ProgressPoint, on_delete=models.CASCADE, related_name="rows")
    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    terms = models.TextField()
    balance = models.BigIntegerField(help_text="pence owed at the end of the point's day")
    state = models.CharField(max_length=10, null=True, help_text="the latest check's; null: none")
    breaches = models.IntegerField(default=0)
    expected = models.BigIntegerField(null=True)
    actual = models.BigIntegerField(null=True)
    settled = models.BooleanField(help_text="completed, or cancelled with every check made")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["point", "arrangement"], name="one_progress_per_point")
        ]

    def __str__(self) -> str:
        return f"arrangement {self.arrangement_id} at {self.point_id}"
