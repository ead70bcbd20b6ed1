"""`rentbook indicators`: every indicator for the landlord and every patch (or area), for a rent
year or quarter up to a day, printed as a table people read (money as £10,308,524.95) or, for
machines, as CSV or JSON (money in pence), with the time it took."""

from __future__ import annotations

import json
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rentbook.performance import indicators as ind
from rentbook.performance.dashboard import show
from rentbook.performance.indicators import Period, Scope, ScopeKind
from rentbook.portfolio.models import Area


class Command(BaseCommand):
    help = "Compute every indicator for the landlord and every patch for a period."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD: the period ends here")
        parser.add_argument("--period", choices=["year", "quarter"], default="year")
        parser.add_argument(
            "--scopes", choices=["landlord", "areas", "patches"], default="patches",
            help="the landlord alone, or it and every area, or it and every patch",
        )  # fmt: skip
        parser.add_argument(
            "--format", choices=["table", "csv", "json"], default="table",
            help="table: the landlord's figures as people read them; csv and json: every"
            " scope's values for machines (money in pence, percentages as numbers)",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="the same as --format json")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            as_of = date.fromisoformat(opts["as_of"])
        except ValueError as e:
            raise CommandError(f"--as-of: {e}") from None
        whole = Period.of_day(as_of, opts["period"])
        period = Period(whole.start, min(whole.end, as_of), whole.label)
        started = time.perf_counter()
        scopes = [Scope.landlord()]
        if opts["scopes"] == "patches":
            scopes += ind.patch_scopes()
        elif opts["scopes"] == "areas":
            scopes += [Scope.of(ScopeKind.AREA, a.pk) for a in Area.objects.all()]
        data = ind.load(period)
        loaded = time.perf_counter() - started
        values = ind.compute_all(data, scopes)
        took = time.perf_counter() - started
        form = "json" if opts["json"] else opts["format"]
        if form == "json":
            out = {k: {c: v.value for c, v in vs.items()} for k, vs in values.items()}
            self.stdout.write(json.dumps(out, indent=1, default=str))
        elif form == "csv":
            from rentbook.spreadsheet import csv_writer

            w = csv_writer(self.stdout, lineterminator="\n")
            w.writerow(["scope", "indicator", "unit", "value"])
            for scope, vs in values.items():
                for i in ind.INDICATORS:
                    v = vs[i.code].value
                    w.writerow([scope, i.code, "pence" if i.unit == "£" else i.unit, v])
        else:
            for i in ind.INDICATORS:
                v = values["landlord"][i.code].value
                self.stdout.write(f"{i.name:<75} {show(v, i.unit)}")
        # the timing line is for people: on standard error when the output is for machines
        say = self.stdout.write if form == "table" else (lambda t: sys.stderr.write(t + "\n"))
        say(
            f"{len(ind.INDICATORS)} indicators for {len(scopes)} scopes over"
            f" {data.accounts.height:,} accounts, {period.start} to {period.end},"
            f" in {took:.2f} s (reading {loaded:.2f} s)"
        )
