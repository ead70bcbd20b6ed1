"""Where items go: the outbox (stored here, letters printed from batch files) or GOV.UK Notify.

A backend takes a rendered item and returns what happened as a :class:`Sent`; it never
touches the database, so the services decide what is recorded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

#: Notify statuses that mean the item will not arrive.
NOTIFY_FAILED = {
    "permanent-failure",
    "temporary-failure",
    "technical-failure",
    "virus-scan-failed",
    "cancelled",
}
#: Notify statuses that mean it arrived (a letter is "received" once posted).
NOTIFY_DONE = {"delivered", "received"}


@dataclass(frozen=True)
class Sent:
    status: str  # a Message.Status value
    notify_id: str = ""
    detail: str = ""
    delivery_status: str = ""  # the service's own word, kept on the diary entry


class Backend(Protocol):
    name: str

    def letter(self, reference: str, pdf: bytes) -> Sent: ...
    def sms(self, reference: str, mobile: str, body: str) -> Sent: ...
    def email(self, reference: str, address: str, subject: str, body: str) -> Sent: ...


class Outbox:
    """Everything is stored here; letters are printed from a batch's print file."""

    name = "outbox"

    def letter(self, reference: str, pdf: bytes) -> Sent:
        return Sent("stored", delivery_status="stored")

    def sms(self, reference: str, mobile: str, body: str) -> Sent:
        return Sent("stored", delivery_status="stored")

    def email(self, reference: str, address: str, subject: str, body: str) -> Sent:
        return Sent("stored", delivery_status="stored")


def message_status(notify_status: str) -> str:
    if notify_status == "validation-failed":
        return "validation-failed"
    if notify_status in NOTIFY_FAILED:
        return "failed"
    if notify_status in NOTIFY_DONE:
        return "delivered"
    return "sending"


class Notify:
    """GOV.UK Notify through notifications-python-client: precompiled letters, and texts and
    emails through Notify templates that carry rentbook's words as ((subject)) and ((body))."""

    name = "notify"

    def __init__(self, api_key: str | None = None, base_url: str | None = None) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            api_key or settings.RENTBOOK_NOTIFY_API_KEY,
            base_url=base_url or settings.RENTBOOK_NOTIFY_BASE_URL,
            timeout=30,
        )

    def _call(self, fn, *args, **kwargs) -> Sent:  # type: ignore[no-untyped-def]
        import requests
        from notifications_python_client.errors import APIError

        try:
            response = fn(*args, **kwargs)
        except APIError as exc:
            if exc.response is None:  # no answer at all: the network or Notify is down
                return Sent("failed", detail="GOV.UK Notify could not be reached: try again later")
            raw = exc.message if isinstance(exc.message, list) else [exc.message]
            detail = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in raw
            )
            return Sent(
                "failed", detail=f"Notify refused it: {detail}"[:300], delivery_status="refused"
            )
        except requests.RequestException:  # the client wraps these; kept in case it stops
            return Sent("failed", detail="GOV.UK Notify could not be reached: try again later")
        return Sent("sending", notify_id=str(response["id"]), delivery_status="sending")

    def letter(self, reference: str, pdf: bytes) -> Sent:
        return self._call(
            self.client.send_precompiled_letter_notification,
            reference=reference,
            pdf_file=io.BytesIO(pdf),
        )

    def sms(self, reference: str, mobile: str, body: str) -> Sent:
        return self._call(
            self.client.send_sms_notification,
            phone_number=mobile,
            template_id=settings.RENTBOOK_NOTIFY_SMS_TEMPLATE,
            personalisation={"body": body},
            reference=reference,
        )

    def email(self, reference: str, address: str, subject: str, body: str) -> Sent:
        return self._call(
            self.client.send_email_notification,
            email_address=address,
            template_id=settings.RENTBOOK_NOTIFY_EMAIL_TEMPLATE,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )

    def status(self, notify_id: str) -> str:
        """Notify's status word for one notification."""
        return str(self.client.get_notification_by_id(notify_id)["status"])


def backend(name: str | None = None) -> Outbox | Notify:
    chosen = name or settings.RENTBOOK_SEND_BACKEND
    if chosen == "notify":
        return Notify()
    if chosen == "outbox":
        return Outbox()
    raise ValueError(f"unknown sending backend {chosen!r}: use outbox or notify")
