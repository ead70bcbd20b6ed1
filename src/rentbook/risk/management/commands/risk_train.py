"""``rentbook risk_train``: train the arrears risk model on the landlord's history and keep it."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.risk.services import train_and_store


class Command(BaseCommand):
    help = "Train the arrears risk model on the history up to a day and store it, versioned"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--through", help="the last day of history (default: today)")
        parser.add_argument("--snapshots", type=int, default=12, help="training days, 28 apart")

    def handle(self, *args: object, **opts: object) -> None:
        given = opts["through"]
        try:
            through = date.fromisoformat(str(given)) if given else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--through: {e}") from None
        try:
            m = train_and_store(through, int(opts["snapshots"]))  # type: ignore[call-overload]
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"Trained {m} on {m.rows:,} account-days through {m.trained_through} in {m.seconds} s."
        )
