"""`rentbook backup FILE`: a consistent backup of the database, with its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentbook.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite's online backup, or pg_dump) with a manifest."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **opts) -> None:  # type: ignore[no-untyped-def]
        try:
            facts = backup(opts["file"])
        except BackupError as e:
            raise CommandError(str(e)) from None
        rows = facts["rows"]
        self.stdout.write(
            f"Backed up to {opts['file']}: {rows['ledger_transaction']:,} transactions,"
            f" {rows['ledger_account']:,} accounts, {rows['audit_auditevent']:,} audit events."
        )
