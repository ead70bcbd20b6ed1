"""``rentbook risk_backtest``: the time-split backtest of the arrears risk model (docs/risk.md)."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.risk.services import backtest


class Command(BaseCommand):
    help = "Train as of several past days and score each on what happened next"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--end", help="the last day of history (default: today)")
        parser.add_argument("--points", type=int, default=3, help="days evaluated, 28 apart")
        parser.add_argument("--snapshots", type=int, default=6, help="training days per model")

    def handle(self, *args: object, **opts: object) -> None:
        try:
            end = date.fromisoformat(str(opts["end"])) if opts["end"] else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--end: {e}") from None
        if int(opts["points"]) < 1 or int(opts["snapshots"]) < 1:  # type: ignore[call-overload]
            raise CommandError("--points and --snapshots are 1 or more")
        try:
            report = backtest(end, int(opts["points"]), int(opts["snapshots"]))  # type: ignore[call-overload]
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(json.dumps(report, indent=1))
