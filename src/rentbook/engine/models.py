"""Arrears runs and their recommendations: one recommendation per open account per run."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rentbook.ledger.models import Account
from rentbook.portfolio.models import Patch


class Run(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    as_of = models.DateField()
    policy = models.CharField(max_length=60)
    # The SHA-256 of the policy file that decided, so anyone can say which rules acted.
    policy_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    accounts = models.IntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "policy"], name="run_once_per_day_and_policy")
        ]

    def __str__(self) -> str:
        return f"{self.policy} run as of {self.as_of}"


class Recommendation(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="recommendations")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="recommendations")
    # Copied from the account when the run decided, so the worktray filters without joins.
    patch = models.ForeignKey(Patch, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    category = models.CharField(max_length=12)
    priority = models.IntegerField()
    rule = models.CharField(max_length=60)
    reasons = models.JSONField(default=list)
    balance = models.BigIntegerField(help_text="pence")
    weekly_charge = models.BigIntegerField(help_text="pence")
    benefit = models.CharField(max_length=30)
    #: The risk model's score (per cent) and its reasons in words, when one was used.
    risk = models.SmallIntegerField(null=True, blank=True)
    risk_reasons = models.JSONField(default=list)
    #: Every risk model's score for the account, with its reasons and model (risk/scoring.py).
    risk_scores = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="one_recommendation_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "patch", "priority"], name="rec_run_patch_priority"),
            models.Index(fields=["run", "action"], name="rec_run_action"),
            # The worktray's order: a page is a walk of this index, not a sort of the run.
            models.Index(fields=["run", "-priority", "-balance", "id"], name="rec_run_worktray"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.action}"
