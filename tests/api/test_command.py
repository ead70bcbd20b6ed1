from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rentbook.api.models import ApiClient
from rentbook.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_client", *args, stdout=out)
    return out.getvalue()


def test_a_client_is_made_listed_rotated_and_revoked_and_each_is_audited():
    made = run("create", "housing-system", "--role", "income_officer", "--scope", "accounts:read")
    token = made.strip().splitlines()[-1]
    assert token.startswith("rb_")
    client = ApiClient.objects.get(name="housing-system")
    assert client.key_hash != token and token not in client.key_hash  # only its hash is kept
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/accounts/").status_code == 200
    assert "housing-system" in run("list") and "active" in run("list")
    new = run("rotate", "housing-system").strip().splitlines()[-1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/accounts/").status_code == 401
    run("revoke", "housing-system")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {new}").get("/api/v1/accounts/").status_code == 401
    assert "revoked" in run("list")
    summaries = list(
        AuditEvent.objects.filter(object_type__icontains="client").values_list("summary", flat=True)
    )
    assert any("new token" in s for s in summaries) and any("revoked" in s for s in summaries)


def test_a_refused_client_says_why_and_makes_nothing():
    with pytest.raises(CommandError, match="never writes"):
        run("create", "audit", "--role", "auditor", "--scope", "diary:write")
    with pytest.raises(CommandError, match="no code mapping 'nope'"):
        run("create", "x", "--role", "income_officer", "--scope", "diary:write", "--codes", "nope")
    assert not ApiClient.objects.exists()
    with pytest.raises(CommandError, match="no client named"):
        run("revoke", "ghost")
