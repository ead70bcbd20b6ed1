"""rentbook simulate: write import files for a synthetic landlord (docs/simulation.md)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rentbook.ledger.calendar import RentFreeRule
from rentbook.simulate.measure import measure
from rentbook.simulate.params import SimulationParams
from rentbook.simulate.run import simulate


def last_sunday_before(today: date) -> date:
    return today - timedelta(days=(today.weekday() + 1) % 7 or 7)


class Command(BaseCommand):
    help = "Write tenancies.csv, charges.csv and transactions.csv for a synthetic landlord."

    def add_arguments(self, parser):
        parser.add_argument("--tenancies", type=int, default=2000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--end", type=date.fromisoformat, help="last day (a Sunday); default: last Sunday"
        )
        parser.add_argument("--rent-free", default="christmas=2,year-end=2")
        parser.add_argument("--landlord", choices=["association", "council"], default="association")
        parser.add_argument(
            "--measure", action="store_true", help="print the calibration figures afterwards"
        )
        parser.add_argument(
            "--no-revenues",
            action="store_true",
            help="leave out the council's customers, debts and debt entries",
        )
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="write the ledger's three files only, not the case history's six",
        )

    def handle(self, *args, **opts):
        # The command is the edge where the clock may be read; the model takes `end`.
        end = opts["end"] or last_sunday_before(date.today())
        try:
            rule = RentFreeRule.parse(opts["rent_free"])
            started = time.monotonic()
            summary = simulate(
                tenancies=opts["tenancies"],
                years=opts["years"],
                seed=opts["seed"],
                out=opts["out"],
                end=end,
                rule=rule,
                params=SimulationParams(landlord=opts["landlord"]),
                cases=not opts["no_cases"],
                revenues=not opts["no_revenues"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        took = time.monotonic() - started
        self.stdout.write(
            f"{summary.tenancies:,} tenancies ({summary.tenants:,} tenants), "
            f"{summary.charges:,} charge lines, {summary.transactions:,} transactions, "
            f"{summary.start} to {summary.end}, written to {opts['out']} in {took:.1f}s"
        )
        if summary.case_rows:
            self.stdout.write(
                "Case history: "
                + ", ".join(
                    f"{n:,} {name.replace('_', ' ')}" for name, n in summary.case_rows.items()
                )
            )
        if opts["measure"]:
            for name, value in measure(opts["out"], end).items():
                shown = f"{value:.4f}" if isinstance(value, float) else f"{value:,}"
                self.stdout.write(f"  {name:30} {shown}")
