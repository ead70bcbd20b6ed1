"""Create the default letter, text and email templates that are missing (idempotent)."""

from django.core.management.base import BaseCommand

from rentbook.comms.defaults import seed
from rentbook.comms.models import Template


class Command(BaseCommand):
    help = "Create the default letter, text and email templates that are missing."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        made = seed(Template)
        self.stdout.write(f"{made} templates created")
