"""rentbook import KIND FILE [--dry-run] [--source NAME] [--rejects PATH] [--codes MAPPING]
(docs/imports.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rentbook.imports.services import ImportRefused, import_file, kinds

#: Problems printed on the terminal; the rejects file lists them all.
SHOWN = 50


class Command(BaseCommand):
    help = "Import tenancies, charges, transactions or a kind of case state from CSV or XLSX."
    # System checks import every URL and view: seconds of start-up an import does not need.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("kind", choices=list(kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument("--source", default="import", help="the system the file came from")
        parser.add_argument("--rejects", type=Path, help="where to write the rejected rows")
        parser.add_argument(
            "--layout",
            type=Path,
            help="the file is in its own columns: a TOML layout naming which holds each of"
            " rentbook's (docs/imports.md)",
        )
        parser.add_argument(
            "--codes",
            help="diary: the mapping of the landlord's action codes (a shipped name such as"
            " hackney, or a TOML file)",
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            result = import_file(
                opts["kind"],
                opts["file"],
                source=opts["source"],
                dry_run=opts["dry_run"],
                rejects_path=opts["rejects"],
                options={"codes": opts["codes"]} if opts.get("codes") else None,
                layout=opts.get("layout"),
            )
        except ImportRefused as e:
            raise CommandError(str(e)) from None
        except KeyboardInterrupt:
            raise CommandError("interrupted: nothing was posted; run the import again") from None
        except Exception as e:  # never a traceback at the door: say what failed, post nothing
            raise CommandError(
                f"the import failed and nothing was posted: {type(e).__name__}: {e}"
            ) from None

        for problem in result.problems[:SHOWN]:
            self.stderr.write(str(problem))
        hidden = result.problems_total - min(SHOWN, len(result.problems))
        if hidden > 0:
            self.stderr.write(f"... and {hidden:,} more problems")
        if result.rejects_path:
            self.stderr.write(f"Rejected rows written to {result.rejects_path}")
        timing = f"{result.seconds:.1f} s"
        if result.same_as is None and result.seconds:  # a file known by its hash was not read
            timing += f", {result.rows_read / result.seconds:,.0f} rows/s"
        line = f"{result.summary()} ({timing})"
        if result.ok:
            self.stdout.write(line)
            return
        raise CommandError(line, returncode=1)
