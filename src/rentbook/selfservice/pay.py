"""Card payments through a payment service, behind one small interface.

- ``GovUkPay``: GOV.UK Pay's public API (the service councils use): create a payment with its
  amount, reference, description and return address, send the tenant to the ``next_url`` it
  gives, and on their return ask it for the payment's state. rentbook never sees card details.
- ``FakePay``: the same interface, held in this database, with its own payment page in
  rentbook (selfservice/views/fake_pay.py) where a person chooses to pay or to cancel: for
  tests and the demo, and on only when chosen (RENTBOOK_PAY_BACKEND=fake), never by default.

GOV.UK Pay's statuses: created, started, submitted, capturable, success, failed, cancelled,
error; only ``success`` means the money was taken (docs/selfservice.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.urls import reverse


class PayError(RuntimeError):
    """The payment service refused the request or could not be reached."""


@dataclass(frozen=True)
class Created:
    payment_id: str
    next_url: str


@dataclass(frozen=True)
class PayState:
    status: str
    finished: bool
    amount: int


class Backend(Protocol):
    name: str

    def create(self, amount: int, reference: str, description: str, return_url: str) -> Created: ...
    def state(self, payment_id: str) -> PayState: ...


class GovUkPay:
    name = "govuk-pay"

    def __init__(self, api_key: str | None = None, base_url: str | None = None) -> None:
        self.api_key = api_key or settings.RENTBOOK_PAY_API_KEY
        self.base_url = (base_url or settings.RENTBOOK_PAY_BASE_URL).rstrip("/")
        if not self.api_key:
            raise PayError("RENTBOOK_PAY_API_KEY is not set: GOV.UK Pay needs the service's key")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict:
        import requests

        try:
            response = requests.request(
                method,
                f"{self.base_url}{path}",
                json=body,
                headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
                timeout=20,
            )
        except requests.RequestException:
            raise PayError("GOV.UK Pay could not be reached: try again later") from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("description", "")
            except ValueError:
                detail = ""
            raise PayError(f"GOV.UK Pay refused it ({response.status_code}) {detail}".strip())
        return response.json()

    def create(self, amount: int, reference: str, description: str, return_url: str) -> Created:
        data = self._call(
            "POST",
            "/v1/payments",
            {
                "amount": amount,
                "reference": reference,
                "description": description,
                "return_url": return_url,
                "language": "en",
            },
        )
        try:
            return Created(str(data["payment_id"]), str(data["_links"]["next_url"]["href"]))
        except (KeyError, TypeError):
            raise PayError("GOV.UK Pay's answer had no payment id or next address") from None

    def state(self, payment_id: str) -> PayState:
        data = self._call("GET", f"/v1/payments/{payment_id}")
        state = data.get("state") or {}
        return PayState(
            str(state.get("status", "error")), bool(state.get("finished")), int(data["amount"])
        )


class FakePay:
    """A payment service in this database; its payment page is rentbook's own."""

    name = "fake"

    def create(self, amount: int, reference: str, description: str, return_url: str) -> Created:
        from rentbook.selfservice.models import FakePayment

        pid = "fake" + secrets.token_hex(12)
        FakePayment.objects.create(
            payment_id=pid,
            amount=amount,
            reference=reference,
            description=description,
            return_url=return_url,
        )
        return Created(pid, reverse("selfservice:fake-pay", args=[pid]))

    def state(self, payment_id: str) -> PayState:
        from rentbook.selfservice.models import FakePayment

        p = FakePayment.objects.filter(payment_id=payment_id).first()
        if p is None:
            raise PayError("the fake payment service has no such payment")
        return PayState(p.status, p.status in {"success", "failed", "cancelled", "error"}, p.amount)


def backend(name: str | None = None) -> Backend:
    chosen = name or settings.RENTBOOK_PAY_BACKEND
    if chosen == "govuk-pay":
        return GovUkPay()
    if chosen == "fake":
        return FakePay()
    raise PayError(f"card payments are off (RENTBOOK_PAY_BACKEND={chosen!r})")


def enabled() -> bool:
    return settings.RENTBOOK_PAY_BACKEND in {"govuk-pay", "fake"}
