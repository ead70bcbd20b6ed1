"""``rentbook run [--as-of DATE] [--policy NAME]``: the arrears run, from cron or by hand."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import RunInProgress, policy_name, run_arrears
from rentbook.policy.loader import PolicyError, load_policy, shipped_policies


class Bar:
    """A progress bar on a terminal; nothing otherwise (cron mail, pipes)."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.on = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total <= 0:
            return
        width = 40
        filled = int(width * done / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        self.stream.flush()
        if done >= total:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Decide every open account with the arrears policy and store the run (idempotent)."
    # Not the system checks: they import every page's view (and WeasyPrint with them), a
    # second or more of start-up for a command cron runs; `rentbook check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", help="the day to run as of, YYYY-MM-DD (default: today)")
        parser.add_argument("--policy", help="a shipped policy's name or a .toml path")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        as_of = self.as_of(options.get("as_of"))
        name = policy_name(options.get("policy"))
        try:
            policy = load_policy(name)
        except PolicyError as e:
            known = ", ".join(shipped_policies())
            raise CommandError(f"policy {name!r} does not load (shipped: {known}):\n{e}") from e
        existed = Run.objects.filter(
            as_of=as_of, policy=policy.name, status=Run.Status.DONE
        ).exists()
        try:
            run = run_arrears(as_of, name, progress=Bar(sys.stdout))
        except RunInProgress as e:
            raise CommandError(str(e)) from e
        except Exception as e:
            raise CommandError(f"the run failed: {type(e).__name__}: {e}") from e
        if existed:
            self.stdout.write(
                f"The {policy.name} run as of {as_of} was already done (run {run.pk}, "
                f"{run.accounts:,} accounts): nothing added."
            )
        else:
            self.stdout.write(
                f"{policy.name} run as of {as_of}: {run.accounts:,} accounts decided in "
                f"{run.seconds:.1f} s (run {run.pk})."
            )
        self.summary(run)

    def as_of(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of {text!r} is not a date: use YYYY-MM-DD") from None

    def summary(self, run: Run) -> None:
        recs = Recommendation.objects.filter(run=run)
        self.stdout.write("By action:")
        for row in recs.values("action").order_by("action").annotate(n=Count("id")):
            self.stdout.write(f"  {row['action']:<45} {row['n']:>9,}")
        self.stdout.write("By patch:")
        for row in recs.values("patch__code").order_by("patch__code").annotate(n=Count("id")):
            self.stdout.write(f"  {row['patch__code']:<45} {row['n']:>9,}")
