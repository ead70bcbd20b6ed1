"""Performance indicators, targets, trend series, dashboards and committee reports.

Built-in indicators are computed (performance/indicators.py); custom indicators hold values
entered by hand or imported each period. Targets apply to either, per period and per scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScopeKind(models.TextChoices):
    LANDLORD = "landlord", "Whole landlord"
    AREA = "area", "Area"
    PATCH = "patch", "Patch"
    OFFICER = "officer", "Officer"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class CustomIndicator(models.Model):
    """A measure rentbook does not compute, such as average days to process a benefit claim."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    unit = models.CharField(max_length=20, default="", blank=True)
    better = models.CharField(max_length=6, choices=Better.choices, default=Better.HIGHER)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomValue(models.Model):
    """One period's value of a custom indicator for a scope."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        IMPORT = "import", "Imported"

    indicator = models.ForeignKey(CustomIndicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    scope_kind = models.CharField(max_length=10, choices=ScopeKind.choices, default="landlord")
    scope_id = models.BigIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.MANUAL)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "-period_end"]
        constraints = [
            # Two partial constraints, not nulls_distinct=False, which SQLite cannot enforce:
            # the landlord's scope has no scope_id.
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "scope_kind", "scope_id"],
                condition=models.Q(scope_id__isnull=False),
                name="custom_value_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "scope_kind"],
                condition=models.Q(scope_id__isnull=True),
                name="custom_value_once_for_landlord",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start} to {self.period_end}: {self.value}"


class Target(models.Model):
    """A target for an indicator (built-in code or a custom indicator's code), for a period
    (a quarter or a rent year) and a scope. ``amber_within`` is how far on the wrong side of
    the target still counts as amber (in the indicator's own units)."""

    indicator = models.CharField(max_length=40, db_index=True)
    period_start = models.DateField()
    period_end = models.DateField()
    scope_kind = models.CharField(max_length=10, choices=ScopeKind.choices, default="landlord")
    scope_id = models.BigIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    amber_within = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "-period_end"]
        constraints = [
            # Two partial constraints, not nulls_distinct=False, which SQLite cannot enforce:
            # the landlord's scope has no scope_id.
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "scope_kind", "scope_id"],
                condition=models.Q(scope_id__isnull=False),
                name="target_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "scope_kind"],
                condition=models.Q(scope_id__isnull=True),
                name="target_once_for_landlord",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} target {self.value} to {self.period_end}"


class IndicatorSet(models.Model):
    """Every built-in indicator of one period, for every scope, worked out once (after a run,
    an import, or when a manager asks) and read by the dashboard, its drill-downs, exports and
    the committee report: what grows with the portfolio is not recomputed per page view."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being worked out"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    period_start = models.DateField()
    period_end = models.DateField()
    # the last day of the whole rent year or quarter (after period_end while it is not over)
    whole_end = models.DateField()
    period_name = models.CharField(max_length=120)
    run = models.ForeignKey(
        "engine.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["period_start", "whole_end", "status", "period_end"])]

    def __str__(self) -> str:
        return f"indicators for {self.period_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 0 if not self.total else min(100, round(100 * self.done / self.total))


class ScopeFigures(models.Model):
    """One scope's figures in a set: each indicator's value with its parts, the collection by
    fund, the weekly arrears and the year-on-year profile (plain JSON values, pence)."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="scopes")
    scope = models.CharField(max_length=40)  # Scope.key: landlord, area:3, patch:7, officer:2
    label = models.CharField(max_length=200)
    values = models.JSONField(default=dict)  # code -> [value, numerator, denominator]
    funds = models.JSONField(default=list)  # [fund, collected, billed, written off], total last
    weeks = models.JSONField(default=list)  # [week ending (ISO), arrears]
    profile = models.JSONField(default=dict)  # rent year -> [[week, arrears, rent free, xmas]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["set", "scope"], name="scope_figures_once_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.label} in set {self.set_id}"


class DrillAccount(models.Model):
    """An account behind one or more drillable indicators of a set (``member`` holds one bit
    per indicator, stored.DRILL_BITS), with the figures its list shows."""

    set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="+")
    account_id = models.BigIntegerField()
    reference = models.CharField(max_length=40)
    patch_id = models.BigIntegerField(null=True)
    closing = models.BigIntegerField()
    weekly_charge = models.BigIntegerField()
    technical = models.BigIntegerField()
    tenancy_end = models.DateField(null=True)
    member = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["set", "patch_id", "closing"])]

    def __str__(self) -> str:
        return f"{self.reference} in set {self.set_id}"
