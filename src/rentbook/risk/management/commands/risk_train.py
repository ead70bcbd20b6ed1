"""``rentbook risk_train``: train every risk model on the landlord's history and keep them."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.risk.services import Snapshots, train_all


class Command(BaseCommand):
    help = "Train the risk models on the history up to a day and store them, versioned"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--through", help="the last day of history (default: today)")
        parser.add_argument("--snapshots", type=int, default=12, help="training days, 28 apart")

    def handle(self, *args: object, **opts: object) -> None:
        given = opts["through"]
        try:
            through = date.fromisoformat(str(given)) if given else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--through: {e}") from None
        if int(opts["snapshots"]) < 1:  # type: ignore[call-overload]
            raise CommandError("--snapshots is 1 or more")
        snaps = Snapshots(say=self.stdout.write)
        kept, skipped = train_all(through, int(opts["snapshots"]), snaps)  # type: ignore[call-overload]
        for m in kept:
            self.stdout.write(
                f"Trained {m} on {m.rows:,} account-days through {m.trained_through}"
                f" in {m.seconds} s."
            )
        for reason in skipped:
            self.stdout.write(f"Not trained: {reason}.")
        if not kept:
            raise CommandError("no model trained: " + "; ".join(skipped))
