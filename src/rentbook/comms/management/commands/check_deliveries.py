"""Ask GOV.UK Notify for the status of every item still on its way (run from cron/systemd)."""

from django.core.management.base import BaseCommand

from rentbook.comms.backends import Notify
from rentbook.comms.services import check_statuses


class Command(BaseCommand):
    help = "Update the delivery status of items sent through GOV.UK Notify."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        changed = check_statuses(Notify())
        self.stdout.write(f"{changed} items changed status")
