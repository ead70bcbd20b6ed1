"""``rentbook risk_backtest``: the time-split backtest of every risk model (docs/risk.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.engine.services import policy_name
from rentbook.policy.loader import PolicyError, load_policy
from rentbook.risk.report import as_markdown
from rentbook.risk.services import Snapshots, backtest
from rentbook.risk.targets import BY_NAME, TARGETS


class Command(BaseCommand):
    help = "Train as of several past days and score each on what happened next"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--end", help="the last day of history (default: today)")
        parser.add_argument("--points", type=int, default=3, help="days evaluated, 28 apart")
        parser.add_argument("--snapshots", type=int, default=6, help="training days per model")
        parser.add_argument(
            "--target", action="append", choices=sorted(BY_NAME), help="one target (repeat)"
        )
        parser.add_argument(
            "--policy", help="compare with this policy's own order (default: the run's)"
        )
        parser.add_argument("--markdown", help="also write the report as Markdown to this file")

    def handle(self, *args: object, **opts: object) -> None:
        try:
            end = date.fromisoformat(str(opts["end"])) if opts["end"] else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--end: {e}") from None
        points, snapshots = int(opts["points"]), int(opts["snapshots"])  # type: ignore[call-overload]
        if points < 1 or snapshots < 1:
            raise CommandError("--points and --snapshots are 1 or more")
        try:
            policy = load_policy(policy_name(opts["policy"]))  # type: ignore[arg-type]
        except PolicyError as e:
            raise CommandError(f"--policy: {e}") from None
        names = opts["target"] or [t.name for t in TARGETS]
        targets = tuple(BY_NAME[n] for n in names)  # type: ignore[union-attr]
        report = backtest(
            end, points, snapshots, Snapshots(policy=policy, say=self.stderr.write), targets
        )
        report["policy"] = policy.name
        if opts["markdown"]:
            Path(str(opts["markdown"])).write_text(as_markdown(report))
        self.stdout.write(json.dumps(report, indent=1))
