"""`rentbook restore FILE`: restore a backup into an empty database and check it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentbook.backup import BackupError, restore
from rentbook.money import format_pounds


class Command(BaseCommand):
    help = "Restore a backup made by `rentbook backup` into an empty database, then check it."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="restore over a database that has tables"
        )

    def handle(self, *args, **opts) -> None:  # type: ignore[no-untyped-def]
        try:
            facts = restore(opts["file"], replace=opts["replace"])
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"Restored from {opts['file']} and checked against its manifest:"
            f" {facts['rows']['ledger_transaction']:,} transactions, the ledger's sum"
            f" {format_pounds(facts['ledger_sum'])}."
        )
