"""Card payments: through the fake service in tests; confirmed twice, posted once."""

from __future__ import annotations

import pytest

from rentbook.banking.models import ChannelPayment
from rentbook.ledger.models import Transaction
from rentbook.selfservice import pay, payments
from rentbook.selfservice.models import CardPayment, FakePayment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fake_pay(settings):
    settings.RENTBOOK_PAY_BACKEND = "fake"


def _pay(client, amount="25.50"):  # type: ignore[no-untyped-def]
    r = client.post("/my-rent/pay/", {"amount": amount})
    assert r.status_code == 302, r.content
    fake_page = r["Location"]
    assert fake_page.startswith("/my-rent/pay/fake/")
    return fake_page


def test_a_paid_card_payment_posts_to_the_ledger_once_however_often_confirmed(
    tenant_client, tenant_account
):
    fake_page = _pay(tenant_client)
    r = tenant_client.post(fake_page, {"choice": "pay"})
    back = r["Location"]
    assert "/my-rent/pay/return/" in back
    page = tenant_client.get(back)
    assert b"Payment received" in page.content
    # the tenant refreshes, and the catch-up command asks again
    tenant_client.get(back)
    for p in CardPayment.objects.all():
        payments.confirm(p)
    from django.core.management import call_command

    call_command("selfservice_payments")
    paid = Transaction.objects.filter(account=tenant_account, amount=-2550)
    assert paid.count() == 1
    assert paid.get().source == payments.SOURCE
    cp = CardPayment.objects.get()
    assert cp.state == "success" and cp.posted_at is not None
    assert ChannelPayment.objects.get().channel == "card"


def test_the_same_confirmation_posted_twice_by_two_records_posts_once(
    tenant_client, tenant_account
):
    """Even a second record of the same provider payment (as a repeated webhook or a lost
    update would make) cannot post it twice: the door's key is the provider's id."""
    fake_page = _pay(tenant_client, "10.00")
    tenant_client.post(fake_page, {"choice": "pay"})
    p = CardPayment.objects.get()
    payments.confirm(p)
    CardPayment.objects.filter(pk=p.pk).update(posted_at=None)  # forget it was posted
    payments.confirm(CardPayment.objects.get())
    assert Transaction.objects.filter(account=tenant_account, amount=-1000).count() == 1


def test_a_cancelled_payment_posts_nothing(tenant_client, tenant_account):
    fake_page = _pay(tenant_client)
    r = tenant_client.post(fake_page, {"choice": "cancel"})
    page = tenant_client.get(r["Location"])
    assert b"not made" in page.content
    assert not Transaction.objects.filter(account=tenant_account, kind="payment").exists()
    assert CardPayment.objects.get().state == "cancelled"


@pytest.mark.parametrize(
    "amount,words",
    [("", b"Enter amount to pay"), ("abc", b"must be an amount"), ("0.50", b"or more"),
     ("20000", b"or less"), ("-3", b"cannot be negative")],
)  # fmt: skip
def test_a_bad_amount_is_explained(tenant_client, amount, words):
    r = tenant_client.post("/my-rent/pay/", {"amount": amount})
    assert r.status_code == 400 and words in r.content
    assert not CardPayment.objects.exists()


def test_paying_is_not_offered_when_payments_are_off(tenant_client, settings):
    settings.RENTBOOK_PAY_BACKEND = "off"
    assert tenant_client.get("/my-rent/pay/").status_code == 404
    assert b"Pay now by card" not in tenant_client.get("/my-rent/").content


def test_the_fake_service_is_refused_unless_chosen(tenant_client, settings):
    fake_page = _pay(tenant_client)
    settings.RENTBOOK_PAY_BACKEND = "govuk-pay"
    assert tenant_client.get(fake_page).status_code == 404


def test_a_payment_whose_amount_differs_is_not_posted(tenant_client, tenant_account):
    fake_page = _pay(tenant_client, "10.00")
    tenant_client.post(fake_page, {"choice": "pay"})
    FakePayment.objects.update(amount=999)
    with pytest.raises(payments.PaymentError):
        payments.confirm(CardPayment.objects.get())
    assert not Transaction.objects.filter(account=tenant_account, kind="payment").exists()


class _Answer:
    def __init__(self, status: int, body: dict) -> None:
        self.status_code, self._body = status, body

    def json(self) -> dict:
        return self._body


def test_gov_uk_pay_is_asked_as_its_api_says(monkeypatch, settings):
    import requests

    calls = []

    def fake_request(method, url, json=None, headers=None, timeout=None):  # type: ignore[no-untyped-def]
        calls.append((method, url, json, headers))
        if method == "POST":
            return _Answer(
                201,
                {
                    "payment_id": "abc123",
                    "amount": json["amount"],
                    "state": {"status": "created", "finished": False},
                    "_links": {"next_url": {"href": "https://card.example/x"}},
                },
            )
        return _Answer(200, {"payment_id": "abc123", "amount": 2550,
                             "state": {"status": "success", "finished": True}})  # fmt: skip

    monkeypatch.setattr(requests, "request", fake_request)
    be = pay.GovUkPay(api_key="api_test_key", base_url="https://pay.example")
    made = be.create(2550, "T000001", "Rent payment", "https://rent.example/back")
    assert made == pay.Created("abc123", "https://card.example/x")
    method, url, body, headers = calls[0]
    assert (method, url) == ("POST", "https://pay.example/v1/payments")
    assert body == {"amount": 2550, "reference": "T000001", "description": "Rent payment",
                    "return_url": "https://rent.example/back", "language": "en"}  # fmt: skip
    assert headers["Authorization"] == "Bearer api_test_key"
    state = be.state("abc123")
    assert calls[1][:2] == ("GET", "https://pay.example/v1/payments/abc123")
    assert state == pay.PayState("success", True, 2550)


def test_gov_uk_pay_refusals_are_errors_not_payments(monkeypatch):
    import requests

    monkeypatch.setattr(
        requests, "request", lambda *a, **k: _Answer(401, {"description": "bad key"})
    )
    with pytest.raises(pay.PayError, match="401"):
        pay.GovUkPay(api_key="k", base_url="https://pay.example").create(100, "r", "d", "u")


def test_gov_uk_pay_needs_its_key(settings):
    settings.RENTBOOK_PAY_API_KEY = ""
    with pytest.raises(pay.PayError, match="RENTBOOK_PAY_API_KEY"):
        pay.GovUkPay()


def _signed(body: bytes, secret: str) -> str:
    import hashlib
    import hmac

    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_gov_uk_pays_webhook_posts_a_paid_payment_once_with_the_return(
    client, tenant_account, monkeypatch, settings
):
    """The webhook and the tenant's return both confirm the payment: it posts once."""
    import json

    from django.utils import timezone

    settings.RENTBOOK_PAY_BACKEND = "govuk-pay"
    settings.RENTBOOK_PAY_API_KEY = "api_test_key"
    settings.RENTBOOK_PAY_WEBHOOK_SECRET = "whsec"
    tenant = tenant_account.tenancy.tenants.get(first_name="Ada")
    p = CardPayment.objects.create(
        account=tenant_account, tenant=tenant, amount=3_000, token="t-1", provider="govuk-pay",
        provider_id="pay-abc", state="started", created_at=timezone.now(),
    )  # fmt: skip
    monkeypatch.setattr(
        pay.GovUkPay, "state", lambda self, pid: pay.PayState("success", True, 3_000)
    )
    body = json.dumps({"event_type": "card_payment_succeeded", "resource_id": "pay-abc",
                       "resource_type": "payment"}).encode()  # fmt: skip
    url = "/my-rent/pay/webhook/"
    kind = "application/json"
    assert client.post(url, body, content_type=kind).status_code == 403  # unsigned
    bad = {"HTTP_PAY_SIGNATURE": _signed(body, "other")}
    assert client.post(url, body, content_type=kind, **bad).status_code == 403
    good = {"HTTP_PAY_SIGNATURE": _signed(body, "whsec")}
    assert client.post(url, body, content_type=kind, **good).status_code == 200
    assert client.post(url, body, content_type=kind, **good).status_code == 200  # sent again
    payments.confirm(CardPayment.objects.get(pk=p.pk))  # and the tenant comes back
    assert Transaction.objects.filter(account=tenant_account, amount=-3_000).count() == 1


def test_the_webhook_is_off_without_its_secret(client, settings):
    settings.RENTBOOK_PAY_WEBHOOK_SECRET = ""
    assert (
        client.post("/my-rent/pay/webhook/", b"{}", content_type="application/json").status_code
        == 404
    )
