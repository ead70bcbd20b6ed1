"""rentbook bacs --on YYYY-MM-DD [--out DIR]: write the processing day's Standard 18 files,
the AUDDIS instructions queued and the Direct Debits due (each posted on the ledger), for the
Bacs submission software, and send the Direct Debit notices due (advance notices of new
mandates, notices of re-presentation) as a letter batch. Writing a day again gives the same
files and posts nothing more."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.banking.files import FileRefused, collections_file, instructions_file
from rentbook.banking.notices import send_notices
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
            auddis = instructions_file(on, timezone.now())
            notices = send_notices(on, now=timezone.now())
            files = [auddis, collections_file(on, timezone.now())]
        except (FileRefused, LookupError) as e:
            raise CommandError(str(e)) from None
        for what, result in (("advance notices", notices.advance),
                             ("re-presentation notices", notices.represent)):  # fmt: skip
            if result.sent or result.held:
                self.stdout.write(
                    f"Direct Debit {what}: {len(result.sent):,} sent, {len(result.held):,} held"
                    " (each waits: no collection before its notice goes)"
                )
        for f in files:
            path = out / f"{f.kind}-{on.isoformat()}.txt"
            path.write_text(f.content, encoding="ascii", newline="")
            money = f", {format_pounds(f.total)}" if f.kind == "collections" else ""
            self.stdout.write(f"{path}: {f.records:,} record{'s' * (f.records != 1)}{money}")
