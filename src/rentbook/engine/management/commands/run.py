"""``rentbook run [--as-of DATE] [--policy NAME] [--format table|csv|json]``: the arrears run,
from cron or by hand. The summary counts the accounts and what they owe by action and patch."""

from __future__ import annotations

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import RunInProgress, policy_name, run_arrears
from rentbook.money import format_pounds
from rentbook.policy.loader import PolicyError, load_policy, shipped_policies
from rentbook.spreadsheet import csv_writer


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
        parser.add_argument(
            "--format",
            choices=["table", "csv", "json"],
            default="table",
            help="table (the default: money as people read it), or csv or json for machines"
            " (money in pence)",
        )

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
        if options.get("format") == "json":
            self.stdout.write(json.dumps(self.figures(run, existed)))
            return
        if options.get("format") == "csv":
            figures = self.figures(run, existed)
            w = csv_writer(self.stdout)
            w.writerow(["run", "by", "name", "accounts", "owed_pence"])
            for by in ("action", "patch"):
                for row in figures[f"by_{by}"]:
                    w.writerow([run.pk, by, row["name"], row["accounts"], row["owed_pence"]])
            return
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

    def figures(self, run: Run, existed: bool) -> dict:
        recs = Recommendation.objects.filter(run=run)
        owed = Sum("balance", filter=Q(balance__gt=0))

        def rows(key: str) -> list[dict]:
            grouped = recs.values(key).order_by(key).annotate(n=Count("id"), owed=owed)
            return [
                {"name": r[key], "accounts": r["n"], "owed_pence": int(r["owed"] or 0)}
                for r in grouped
            ]

        return {
            "run": run.pk,
            "as_of": run.as_of.isoformat(),
            "policy": run.policy,
            "accounts": run.accounts,
            "seconds": run.seconds,
            "already_done": existed,
            "by_action": rows("action"),
            "by_patch": rows("patch__code"),
        }

    def summary(self, run: Run) -> None:
        figures = self.figures(run, False)
        for title, key in (("By action:", "by_action"), ("By patch:", "by_patch")):
            self.stdout.write(f"{title:<47} {'accounts':>9} {'owed':>16}")
            for row in figures[key]:
                self.stdout.write(
                    f"  {row['name']:<45} {row['accounts']:>9,}"
                    f" {format_pounds(row['owed_pence']):>16}"
                )
