"""Ask the payment service about card payments tenants started but rentbook has not heard
the end of (they closed the page before coming back), and post those that were paid. Safe to
run as often as wanted: a payment posts once (selfservice/payments.py). Run it from cron
every few minutes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rentbook.selfservice import door, pay, payments


class Command(BaseCommand):
    help = "Check unfinished online card payments with the payment service and post the paid ones."

    def handle(self, *args, **options) -> None:
        posted = failed = 0
        waiting = payments.unfinished()
        for p in waiting:
            try:
                p = payments.confirm(p)
            except (pay.PayError, payments.PaymentError, door.DoorRefused) as e:
                failed += 1
                self.stderr.write(f"payment {p.pk}: {e}")
                continue
            posted += p.posted_at is not None
        self.stdout.write(f"{len(waiting)} checked, {posted} posted, {failed} could not be checked")
