"""A trained risk model: versioned, with the features it reads and its own evaluation, so a
score can always be traced to the model that gave it (docs/risk.md)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class RiskModel(models.Model):
    target = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    trained_at = models.DateTimeField(db_default=Now())
    #: The last day of history it learned from: every outcome it saw had happened by then.
    trained_through = models.DateField()
    features = models.JSONField()
    #: LightGBM's own text form of the trees.
    booster = models.TextField()
    evaluation = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="risk_model_version")
        ]

    def __str__(self) -> str:
        return f"{self.target} model v{self.version}"
