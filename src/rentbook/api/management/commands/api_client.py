"""``rentbook api_client create NAME --role ROLE --scope S [--scope S...] [--codes MAPPING]``,
``rentbook api_client list``, ``rentbook api_client rotate NAME``, ``rentbook api_client revoke
NAME``: the systems that may call the integration API (docs/api.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentbook.api.models import ApiClient
from rentbook.api.scopes import SCOPES
from rentbook.api.services import ClientRefused, create_client, revoke, rotate_token
from rentbook.portfolio.models import Role


class Command(BaseCommand):
    help = "Make, list, rotate and revoke integration API clients."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="a new client; prints its token once")
        create.add_argument("name", help="a short name: letters, digits, - and _")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument(
            "--scope", action="append", required=True, choices=list(SCOPES), dest="scopes"
        )
        create.add_argument("--codes", default="", help="the diary code mapping for its codes")
        create.add_argument("--description", default="")
        sub.add_parser("list", help="every client, its scopes and when it was last used")
        for verb in ("rotate", "revoke"):
            sub.add_parser(verb, help=f"{verb} a client's token").add_argument("name")

    def handle(self, *args, **opts) -> None:  # type: ignore[no-untyped-def]
        what = opts["what"]
        if what == "create":
            try:
                client, token = create_client(
                    opts["name"],
                    role=opts["role"],
                    scopes=opts["scopes"],
                    codes=opts["codes"],
                    description=opts["description"],
                )
            except ClientRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Client {client.name} made with {', '.join(client.scopes)}.")
            self.stdout.write("Its token (shown once: keep it in the calling system's secrets):")
            self.stdout.write(token)
            return
        if what == "list":
            for c in ApiClient.objects.select_related("user").order_by("name"):
                used = f"{c.last_used_at:%Y-%m-%d %H:%M}" if c.last_used_at else "never"
                state = "revoked" if c.revoked_at else "active"
                self.stdout.write(
                    f"{c.name:<24} {state:<8} {c.user.role:<15} last used {used}  "
                    + " ".join(c.scopes)
                )
            return
        client = ApiClient.objects.filter(name=opts["name"]).first()
        if client is None:
            raise CommandError(f"no client named {opts['name']!r}")
        if what == "rotate":
            self.stdout.write(f"New token for {client.name} (the old one no longer works):")
            self.stdout.write(rotate_token(client))
        else:
            revoke(client)
            self.stdout.write(f"Client {client.name} revoked: its token no longer works.")
