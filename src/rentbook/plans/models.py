"""Improvement plans: objectives, actions with references (1.1, 2.14, R1a), owners,
resources, measures of success, milestones, status, and position statements over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Plan(models.Model):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Item(models.Model):
    """What objectives and actions share: a reference, a title, who, when, and a place in
    the plan's order (the order of the landlord's own table)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=20)
    title = models.TextField()
    who = models.CharField(max_length=200, blank=True)
    when = models.CharField(max_length=100, blank=True, help_text="as the plan writes it")
    due = models.DateField(null=True, blank=True, help_text="the last date in 'when'")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:60]}"


class Objective(Item):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")

    class Meta(Item.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="objective_ref_per_plan")
        ]


class Action(Item):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    resources = models.TextField(blank=True)
    measure_of_success = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    # An optional link to an indicator (a built-in code or a custom indicator's code), with the
    # target the action aims for and the date it is due: the action's RAG comes from it.
    indicator = models.CharField(max_length=40, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)

    class Meta(Item.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="action_ref_per_plan")
        ]


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.title} by {self.due}"


class PositionStatement(models.Model):
    """Where an objective or action stood at a date (usually a quarter's end)."""

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    as_at = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=True) ^ models.Q(action__isnull=True),
                name="statement_of_objective_or_action",
            ),
            # One of objective and action is null: a partial constraint for each, since
            # SQLite cannot enforce nulls_distinct=False.
            models.UniqueConstraint(
                fields=["objective", "as_at"],
                condition=models.Q(action__isnull=True),
                name="one_objective_statement_per_date",
            ),
            models.UniqueConstraint(
                fields=["action", "as_at"],
                condition=models.Q(objective__isnull=True),
                name="one_action_statement_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"as at {self.as_at}: {self.text[:60]}"
