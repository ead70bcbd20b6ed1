"""Tenants with contact details, and a sign-in that reads the code the outbox was given."""

from __future__ import annotations

from datetime import date

import pytest

from rentbook.comms.backends import Outbox, Sent
from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Tenant
from tests.factories import make_account, post

from ..web.conftest import _fast_password_hashing, client_for, make_user  # noqa: F401


@pytest.fixture
def sent_codes(monkeypatch):
    """Every text and email the outbox is given, as (to, body)."""
    got: list[tuple[str, str]] = []

    def sms(self, reference, mobile, body):  # type: ignore[no-untyped-def]
        got.append((mobile, body))
        return Sent("stored", delivery_status="stored")

    def email(self, reference, address, subject, body):  # type: ignore[no-untyped-def]
        got.append((address, body))
        return Sent("stored", delivery_status="stored")

    monkeypatch.setattr(Outbox, "sms", sms)
    monkeypatch.setattr(Outbox, "email", email)
    return got


def last_code(sent_codes) -> str:  # type: ignore[no-untyped-def]
    import re

    return re.search(r"is (\d{6})\.", sent_codes[-1][1]).group(1)


def make_tenant_account(last_name: str = "Okafor", first_name: str = "Ada", *, owed: int = 60_000):
    """An account owing ``owed`` pence (charges of £100 a week), with its tenant's email and
    mobile, and a joint tenant of their own."""
    account = make_account(last_name=last_name, start=date(2025, 4, 7))
    tenant = account.tenancy.tenants.get()
    tenant.first_name = first_name
    tenant.email = f"{first_name.lower()}@example.org"
    tenant.mobile = "07700 900456"
    tenant.save()
    Tenant.objects.create(
        tenancy=account.tenancy, person_no=2, first_name="Ben", last_name=last_name,
        mobile="07700 900789",
    )  # fmt: skip
    post(account, date(2025, 4, 7), owed, kind=Kind.CHARGE)
    return account


@pytest.fixture
def tenant_account(db):
    return make_tenant_account()


def sign_in(client, account, sent_codes, *, first_name="Ada", route="email"):  # type: ignore[no-untyped-def]
    tenant = account.tenancy.tenants.get(first_name=first_name)
    r = client.post(
        "/my-rent/sign-in/",
        {
            "reference": account.reference,
            "first_name": first_name,
            "last_name": tenant.last_name,
            "postcode": account.tenancy.property.postcode,
        },
    )
    assert r.status_code == 302, r.content
    r = client.post("/my-rent/sign-in/send-code/", {"route": route})
    assert r.status_code == 302, r.content
    r = client.post("/my-rent/sign-in/code/", {"code": last_code(sent_codes)})
    assert r.status_code == 302 and r["Location"] == "/my-rent/", r.content
    return tenant


@pytest.fixture
def tenant_client(client, tenant_account, sent_codes):
    sign_in(client, tenant_account, sent_codes)
    return client
