"""rentbook former_tenants [--as-of YYYY-MM-DD]: move the balance of every ended tenancy that
still owes to a former tenant account, and list the letters due. Idempotent: run it after each
tenancies import, or nightly."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rentbook.recovery.services import letters_due, open_all_former


class Command(BaseCommand):
    help = "Open former tenant accounts for ended tenancies that owe; count the letters due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["as_of"] or timezone.localdate()
        made = open_all_former(on)
        due = letters_due(on)
        self.stdout.write(
            f"{len(made)} former tenant account{'s' if len(made) != 1 else ''} opened;"
            f" {len(due)} letter{'s' if len(due) != 1 else ''} due as of {on}"
        )
