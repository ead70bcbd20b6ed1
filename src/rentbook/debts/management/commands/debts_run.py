"""rentbook debts_run [--as-of DATE] [--policy STREAM=NAME]...: decide every open council debt
with its stream's policy and store the run (docs/corporate-debt.md)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.debts.models import DebtRecommendation
from rentbook.debts.run import STREAM_POLICIES, run_debts
from rentbook.policy.loader import PolicyError


class Command(BaseCommand):
    help = "Decide every open council debt (council tax, NDR, sundry, HBO) with its policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, help="default: today")
        parser.add_argument(
            "--policy",
            action="append",
            default=[],
            help="STREAM=NAME: decide a stream with another shipped debt policy"
            f" (streams: {', '.join(STREAM_POLICIES)})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = {}
        for item in options["policy"]:
            stream, _, name = item.partition("=")
            if stream not in STREAM_POLICIES or not name:
                raise CommandError(f"--policy {item}: give STREAM=NAME, STREAM one of "
                                   f"{', '.join(STREAM_POLICIES)}")  # fmt: skip
            chosen[stream] = name
        as_of = options["as_of"] or timezone.localdate()
        try:
            run = run_debts(as_of, chosen)
        except PolicyError as e:
            raise CommandError(str(e)) from None
        counts = Counter(
            DebtRecommendation.objects.filter(run=run).values_list("action", flat=True)
        )
        self.stdout.write(
            f"Debt run as of {as_of:%-d %B %Y}: {run.debts:,} debts decided in {run.seconds} s"
        )
        for action, n in counts.most_common():
            self.stdout.write(f"  {action}: {n:,}")
