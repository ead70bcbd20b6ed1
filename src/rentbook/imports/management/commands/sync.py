"""``rentbook sync DIR [--source NAME] [--codes MAPPING] [--layout FILE]... [--dry-run]
[--report PATH]``: the
day's export files from the housing system, in dependency order (docs/imports.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.imports.services import ImportRefused
from rentbook.imports.sync import SyncRefused, layouts_by_kind, sync
from rentbook.spreadsheet import csv_writer


class Command(BaseCommand):
    help = "Import a directory of the day's files from the housing system, in dependency order."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("directory", type=Path)
        parser.add_argument("--source", default="import", help="the system the files came from")
        parser.add_argument("--codes", help="the mapping of the landlord's action codes")
        parser.add_argument(
            "--layout",
            action="append",
            type=Path,
            default=[],
            help="a kind's files come in their own columns (a TOML layout naming its kind;"
            " repeat for each)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument(
            "--report", type=Path, help="write what changed (each file, each change) as CSV"
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        started = timezone.now()

        def told(kind, path, result):  # type: ignore[no-untyped-def]
            self.stdout.write(f"{path.name} ({kind}): {result.summary()}")
            for problem in result.problems[:10]:
                self.stderr.write(f"  {problem}")
            if result.rejects_path:
                self.stderr.write(f"  Rejected rows written to {result.rejects_path}")

        try:
            done = sync(
                opts["directory"],
                layouts=layouts_by_kind(opts["layout"]),
                on_file=told,
                source=opts["source"],
                dry_run=opts["dry_run"],
                options={"codes": opts["codes"]} if opts["codes"] else None,
            )
        except (SyncRefused, ImportRefused) as e:
            raise CommandError(str(e)) from None
        if opts["report"]:
            self._report(opts["report"], done, started)
        posted = sum(r.rows_posted for r in done.results)
        updated = sum(r.rows_updated for r in done.results)
        rejected = sum(r.rows_rejected for r in done.results)
        line = (
            f"{len(done.results)} of {len(done.planned)} files imported: {posted:,} rows posted,"
            f" {updated:,} updated, {rejected:,} rejected"
        )
        if done.stopped_at is not None:
            left = ", ".join(p.name for _, p in done.not_imported) or "none"
            raise CommandError(
                f"{line}. Stopped: {done.stopped_at.name} was refused; not imported: {left}",
                returncode=1,
            )
        if not done.ok:
            raise CommandError(line, returncode=1)
        self.stdout.write(line)

    def _report(self, path: Path, done, started) -> None:  # type: ignore[no-untyped-def]
        changes = AuditEvent.objects.filter(at__gte=started, action="change").order_by("id")
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv_writer(f)
            w.writerow(["file", "kind", "posted", "updated", "present", "rejected", "summary"])
            for (kind, file), r in zip(done.planned, done.results, strict=False):
                w.writerow(
                    [
                        file.name,
                        kind,
                        r.rows_posted,
                        r.rows_updated,
                        r.rows_present,
                        r.rows_rejected,
                        r.summary(),
                    ]
                )
            w.writerow([])
            w.writerow(["record", "id", "change", "before", "after"])
            for e in changes.iterator():
                w.writerow(
                    [
                        e.object_type,
                        e.object_id,
                        e.summary,
                        json.dumps(e.before),
                        json.dumps(e.after),
                    ]
                )
