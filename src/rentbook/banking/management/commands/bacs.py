"""rentbook bacs --on YYYY-MM-DD [--out DIR]: write the processing day's Standard 18 files,
the AUDDIS instructions queued and the Direct Debits due (each posted on the ledger), for the
Bacs submission software. Writing a day again gives the same files and posts nothing more."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.banking.files import FileRefused, collections_file, instructions_file
from rentbook.money import format_pounds


class Command(BaseCommand):
    help = "Write a processing day's Bacs Standard 18 files (AUDDIS and collections)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=date.fromisoformat, required=True,
                            help="the Bacs processing day (YYYY-MM-DD)")  # fmt: skip
        parser.add_argument("--out", type=Path, default=Path("."), help="where to write them")

    def handle(self, *args: Any, **options: Any) -> None:
        on, out = options["on"], options["out"]
        out.mkdir(parents=True, exist_ok=True)
        try:
            files = [instructions_file(on, timezone.now()), collections_file(on, timezone.now())]
        except FileRefused as e:
            raise CommandError(str(e)) from None
        for f in files:
            path = out / f"{f.kind}-{on.isoformat()}.txt"
            path.write_text(f.content, encoding="ascii", newline="")
            money = f", {format_pounds(f.total)}" if f.kind == "collections" else ""
            self.stdout.write(f"{path}: {f.records:,} record{'s' * (f.records != 1)}{money}")
