"""``rentbook migration_report [--as-of DATE] [--csv PATH]``: what to check before letters go
out after a migration (engine/migration_report.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rentbook.engine.migration_report import CHECKS, migration_report
from rentbook.spreadsheet import csv_writer

SHOWN = 20


class Command(BaseCommand):
    help = "List what a landlord must check after migrating its cases, before letters go out."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", help="the day to check as of (YYYY-MM-DD; default today)")
        parser.add_argument("--csv", type=Path, help="write every finding to this CSV file")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            as_of = date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of {opts['as_of']!r} is not a date (YYYY-MM-DD)") from None
        report = migration_report(as_of)
        for check, findings in report.items():
            total = sum(f.count for f in findings)
            self.stdout.write(f"{CHECKS[check]}: {total:,}")
            for f in findings[:SHOWN]:
                who = f"{f.account}: " if f.account else ""
                many = f" ({f.count:,} entries)" if f.count > 1 else ""
                self.stdout.write(f"  {who}{f.detail}{many}")
            if len(findings) > SHOWN:
                self.stdout.write(f"  ... and {len(findings) - SHOWN:,} more")
        if opts["csv"]:
            with opts["csv"].open("w", newline="", encoding="utf-8") as out:
                w = csv_writer(out)
                w.writerow(["check", "account", "detail", "date", "count"])
                for check, findings in report.items():
                    for f in findings:
                        w.writerow(
                            [
                                check,
                                f.account,
                                f.detail,
                                f.on.isoformat() if f.on else "",
                                f.count,
                            ]
                        )
            self.stdout.write(f"Written to {opts['csv']}")
