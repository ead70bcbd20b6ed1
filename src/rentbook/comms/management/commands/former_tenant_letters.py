"""rentbook former_tenant_letters [--as-of YYYY-MM-DD]: send the former tenant arrears letters
due (the first as soon as a tenancy ends owing money, a reminder when no reply came), as one
print batch. Run it after `rentbook former_tenants`; safe to run again the same day."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rentbook.comms.former import send_former_tenant_letters


class Command(BaseCommand):
    help = "Send the former tenant arrears letters that are due (idempotent)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--as-of", help="the day, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        text = options.get("as_of")
        try:
            on = date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of {text!r} is not a date: use YYYY-MM-DD") from None
        now = timezone.make_aware(datetime.combine(on, time(9, 0)))
        result = send_former_tenant_letters(on, now=now)
        batch = f" (print batch {result.batch.pk})" if result.batch else ""
        self.stdout.write(f"{len(result.sent)} letters sent{batch}, {len(result.held)} held")
        for m in result.held:
            self.stdout.write(f"  held {m.account.reference}: {m.detail}")
