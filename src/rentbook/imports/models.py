"""Import batches: one row per file through the import door, with what became of its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The columns a record brought in through the import door carries, so that importing the same
#: file again finds it: the system it came from and that system's reference for it.
IMPORT_SOURCE_MAX = 30
IMPORT_REF_MAX = 80


def import_source_field() -> models.CharField:
    return models.CharField(max_length=IMPORT_SOURCE_MAX, blank=True, default="")


def import_ref_field() -> models.CharField:
    return models.CharField(max_length=IMPORT_REF_MAX, null=True, blank=True)


def import_key(name: str) -> models.UniqueConstraint:
    """One record per (source, reference); records made in rentbook have no reference (null,
    so any number of them)."""
    return models.UniqueConstraint(fields=["import_ref", "import_source"], name=name)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        POSTED = "posted", "Posted"
        DRY_RUN = "dry_run", "Dry run"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20)
    source = models.CharField(max_length=30)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(default=False)
    rows_read = models.BigIntegerField(default=0)
    rows_posted = models.BigIntegerField(default=0)
    rows_updated = models.BigIntegerField(default=0)
    # Rows already present from an earlier import: posted nothing, changed nothing.
    rows_unchanged = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename} ({self.status})"
