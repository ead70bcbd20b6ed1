"""rentbook write_ons [--as-of YYYY-MM-DD]: reinstate written-off debt where money has since
been received. Idempotent: run it after each transactions import, or nightly."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rentbook.recovery.services import reinstate_all


class Command(BaseCommand):
    help = "Write back on written-off debt where money was received after the write-off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["as_of"] or timezone.localdate()
        made = reinstate_all(on)
        self.stdout.write(f"{made} write-on{'s' if made != 1 else ''} posted as of {on}")
