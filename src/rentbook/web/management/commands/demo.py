"""`rentbook demo`: build a demo landlord through the import door, create a user for each role,
print the address and the sign-ins, and serve the site."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rentbook.debts.run import run_debts
from rentbook.engine.services import run_arrears
from rentbook.web.demo import (
    DEMO_PASSWORD,
    build_demo_landlord,
    demo_api_token,
    demo_combination,
    demo_tenant,
    ensure_demo_users,
    last_sunday,
)


class Command(BaseCommand):
    help = "Build a demo landlord (if the database has none), create demo users and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenancies", type=int, default=2000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dir", default="var/demo", help="where the import files are written")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-serve", action="store_true", help="build, then stop")

    def handle(self, *args, **opts) -> None:  # type: ignore[no-untyped-def]
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        results = build_demo_landlord(
            Path(opts["dir"]),
            tenancies=opts["tenancies"],
            years=opts["years"],
            seed=opts["seed"],
            # The history ends last Sunday, so the demo looks current on the day it is built.
            end=last_sunday(timezone.localdate()),
            say=self.stdout.write,
        )
        for result in results:
            if result.rows_rejected or result.file_errors:
                raise CommandError(f"the demo import was refused: {result}")
        users = ensure_demo_users()
        # The weekly arrears run, so the worktray has something to show (idempotent per day).
        run = run_arrears(timezone.localdate())
        self.stdout.write(
            f"Arrears run as of {run.as_of:%-d %B %Y} with the {run.policy} policy: "
            f"{run.accounts:,} accounts decided."
        )
        # one customer's rent and council debts in one combination arrangement
        combined = demo_combination(timezone.localdate())
        if combined is not None:
            self.stdout.write(
                f"Combination arrangement agreed for {combined.customer.name}: "
                f"/customers/{combined.customer.import_ref}/"
            )
        # and the council's other debts of the same people, decided by their streams' policies
        debts = run_debts(timezone.localdate())
        self.stdout.write(f"Debt run: {debts.debts:,} council debts decided.")
        # the indicators the run queued, so the managers' dashboard opens on figures
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        took = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo landlord ready in {took:.0f} s."))
        self.stdout.write("")
        self.stdout.write(f"  Open http://{opts['addr']}/ and sign in as one of:")
        for user in users:
            self.stdout.write(f"    {user.username:<12} {user.get_role_display()}")
        self.stdout.write(f"  Every demo user's password is: {DEMO_PASSWORD}")
        self.stdout.write("")
        self.stdout.write("  The integration API (docs/api.md), as the demo's housing system:")
        self.stdout.write(
            f"    curl -H 'Authorization: Bearer {demo_api_token()}'"
            f" http://{opts['addr']}/api/v1/recommendations/?page_size=5"
        )
        self.stdout.write("")
        tenant = demo_tenant(run)
        if tenant is not None:
            self.stdout.write(
                f"  A tenant's own pages: open http://{opts['addr']}/my-rent/ and enter"
            )
            self.stdout.write(
                f"    rent account {tenant.tenancy.accounts.get(former=False).reference},"
                f" first name {tenant.first_name}, last name {tenant.last_name},"
                f" postcode {tenant.tenancy.property.postcode}"
            )
            self.stdout.write(
                "    The demo sends no messages: the one-time code is shown on the page, and"
                " card payments go to a pretend payment page."
            )
            self.stdout.write("")
        if not opts["no_serve"]:
            # the demo, and only the demo, is served with the development key
            settings.RENTBOOK_DEMO = True
            if settings.RENTBOOK_PAY_BACKEND == "off":
                settings.RENTBOOK_PAY_BACKEND = "fake"  # the demo's card payments are pretend
            # the task worker beside the site, as in production (runs started from the pages,
            # letter batches, indicators)
            worker = subprocess.Popen(
                [sys.executable, "-m", "rentbook.cli", "db_worker", "--no-reload"],
            )
            try:
                call_command("runserver", opts["addr"], use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(10)
