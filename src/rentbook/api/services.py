"""Making, rotating and revoking API clients."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rentbook.api.models import ApiClient
from rentbook.api.scopes import WRITE_SCOPES, check_scopes
from rentbook.audit.services import record_object
from rentbook.cases.code_mapping import load_mapping
from rentbook.portfolio.models import Role, User


class ClientRefused(ValueError):
    """The client cannot be made as asked; nothing was changed."""


@transaction.atomic
def create_client(
    name: str,
    *,
    role: str,
    scopes: list[str],
    description: str = "",
    codes: str = "",
    actor: Any = None,
) -> tuple[ApiClient, str]:
    """A new client acting as its own system user with ``role``; returns it and its token."""
    if role not in Role.values:
        raise ClientRefused(f"role {role!r} is not one of {', '.join(Role.values)}")
    try:
        scopes = check_scopes(scopes)
        if codes:
            load_mapping(codes)
    except ValueError as exc:
        raise ClientRefused(str(exc)) from exc
    if not scopes:
        raise ClientRefused("a client needs at least one scope")
    if role == Role.REVENUES_OFFICER:
        # every endpoint serves the rent service's records, which that role never sees
        raise ClientRefused("a revenues officer's role sees no rent records: the API has none")
    if role == Role.AUDITOR and WRITE_SCOPES & set(scopes):
        raise ClientRefused("an auditor's client reads and never writes: drop the write scopes")
    username = f"api:{name}"
    if ApiClient.objects.filter(name=name).exists() or User.objects.filter(username=username):
        raise ClientRefused(f"a client named {name!r} already exists")
    user = User(username=username, first_name=name, last_name="(API client)", role=role)
    user.set_unusable_password()
    user.save()
    client = ApiClient(name=name, description=description, user=user, scopes=scopes, codes=codes)
    token = client.new_token()
    client.save()
    record_object("create", client, actor=actor, summary=f"API client {name} ({', '.join(scopes)})")
    return client, token


@transaction.atomic
def rotate_token(client: ApiClient, *, actor: Any = None) -> str:
    token = client.new_token()
    client.save(update_fields=["key_id", "key_hash"])
    record_object("update", client, actor=actor, summary=f"API client {client.name}: new token")
    return token


@transaction.atomic
def revoke(client: ApiClient, *, actor: Any = None) -> None:
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    record_object("update", client, actor=actor, summary=f"API client {client.name}: revoked")
