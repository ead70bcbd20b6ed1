"""What a tenant can reach: only their own account, never another tenancy's (every tenant URL
walked with someone else's identifiers), and no staff page at all; staff sessions are not
tenant sessions either."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rentbook.comms.services import current_template, send_batch
from rentbook.portfolio.models import Role
from rentbook.selfservice.models import CardPayment, FakePayment

from .conftest import make_tenant_account, sign_in

pytestmark = pytest.mark.django_db

#: Answer without a tenant's sign-in: the sign-in steps (each sends you back to its start
#: when out of turn) and the fake payment service's page, which stands for GOV.UK Pay's own
#: (outside rentbook's sign-in, named by a 96-bit random id), on only with the fake chosen.
#: GOV.UK Pay's webhook answers only a message signed with its secret (test_payments.py).
OPEN = {"sign-in", "send-code", "enter-code", "sign-out", "fake-pay", "pay-webhook"}


#: The API's description answers anyone, on purpose (tests/api): it holds no data.
PUBLIC_API = {"api/v1/schema/", "api/v1/docs/"}


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name or ""


def tenant_routes() -> list[tuple[str, str]]:
    return [(p, n) for p, n in _walk(get_resolver().url_patterns) if p.startswith("my-rent/")]


def staff_routes() -> list[tuple[str, str]]:
    return [(p, n) for p, n in _walk(get_resolver().url_patterns) if not p.startswith("my-rent/")]


def fill(pattern: str, ids: dict) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(ids.get(m.group(2), "1")), pattern)


@pytest.fixture
def two_tenants(client, sent_codes, make_user, settings):
    """Ada signed in on ``client``; Zoe's account holds a letter and a card payment."""
    settings.RENTBOOK_PAY_BACKEND = "fake"
    ada = make_tenant_account("Okafor", "Ada")
    zoe = make_tenant_account("Quist", "Zoe")
    officer = make_user(Role.INCOME_OFFICER, "walk-letters")
    send_batch([(zoe, current_template("IC1", "letter"), None)], now=timezone.now(), by=officer)
    from rentbook.comms.models import Message

    zoe_tenant = zoe.tenancy.tenants.get(first_name="Zoe")
    fp = FakePayment.objects.create(
        payment_id="fakezoe", amount=1_000, reference=zoe.reference, description="Rent payment",
        return_url="/my-rent/",
    )  # fmt: skip
    cp = CardPayment.objects.create(
        account=zoe, tenant=zoe_tenant, amount=1_000, token="zoe-token", provider="fake",
        provider_id=fp.payment_id, state="started", created_at=timezone.now(),
    )  # fmt: skip
    sign_in(client, ada, sent_codes)
    return {
        "ada": ada,
        "zoe": zoe,
        "ids": {"message_id": Message.objects.get(account=zoe).pk, "token": cp.token,
                "payment_id": fp.payment_id},
    }  # fmt: skip


def test_a_tenant_never_sees_another_tenancy_on_any_of_their_urls(client, two_tenants):
    zoe = two_tenants["zoe"]
    secrets_of_zoe = [zoe.reference.encode(), b"Quist", b"Zoe"]
    routes = tenant_routes()
    assert len(routes) >= 20
    for pattern, name in routes:
        if name in ("sign-out", "fake-pay", "pay-webhook"):
            continue
        url = fill(pattern, two_tenants["ids"])
        for method in ("get", "post"):
            r = getattr(client, method)(url, {})
            assert r.status_code < 500, (url, method, r.status_code)
            body = r.content
            for s in secrets_of_zoe:
                assert s not in body, (url, method, s)
            if "<" in pattern:  # an address naming Zoe's record finds nothing for Ada
                assert r.status_code == 404, (url, method, r.status_code)
    # and Zoe's payment was not touched by Ada's visit to its return address
    assert CardPayment.objects.get(token="zoe-token").state == "started"


def test_signed_out_every_tenant_page_sends_you_to_the_tenants_sign_in(client, two_tenants):
    client.post("/my-rent/sign-out/")
    for pattern, name in tenant_routes():
        if name in OPEN:
            continue
        url = fill(pattern, two_tenants["ids"])
        for method in ("get", "post"):
            r = getattr(client, method)(url, {})
            assert r.status_code == 302 and r["Location"] == "/my-rent/sign-in/", (url, method)


def test_no_staff_page_is_reachable_with_a_tenant_sign_in(client, two_tenants):
    ids = {"reference": two_tenants["ada"].reference, "pk": 1}
    for pattern, name in staff_routes():
        url = fill(pattern, ids)
        if pattern.startswith("api/"):
            if pattern in PUBLIC_API:
                continue
            for method in ("get", "post"):
                assert getattr(client, method)(url).status_code in (401, 403, 404, 405), url
            continue
        # the sign-in pages themselves answer anyone (staff's, and the admin's)
        if pattern in ("sign-in/", "health/", "sign-out/", "admin/login/", "admin/logout/"):
            continue
        if name in ("sign-in", "sign-in-code"):
            continue
        for method in ("get", "post"):
            r = getattr(client, method)(url, {})
            assert r.status_code in (302, 403, 404), (url, method, r.status_code)
            if r.status_code == 302:
                assert "sign-in" in r["Location"] or "login" in r["Location"], (url, r["Location"])
    assert client.get("/my-rent/").status_code == 200  # still signed in as the tenant


def test_a_staff_sign_in_is_not_a_tenant_sign_in(client_for):
    officer = client_for(Role.ADMINISTRATOR)
    r = officer.get("/my-rent/")
    assert r.status_code == 302 and r["Location"] == "/my-rent/sign-in/"


def test_tenant_pages_are_not_cached(client, two_tenants):
    assert client.get("/my-rent/")["Cache-Control"] == "no-store"
