"""One-time codes for tenants: sent by text or email to the contact details on the tenancy,
kept only as a keyed hash, good once, for a few minutes and a few tries, and throttled so a
code cannot be guessed and a tenant's phone cannot be flooded.

Throttles (each an :class:`Attempt` row, keyed by a hash):

- a look-up that matches no tenant: 10 in 15 minutes from one address;
- codes sent to one tenant: 3 in 15 minutes;
- wrong codes for one tenant: 10 in an hour (and each code dies after SELFSERVICE_CODE_TRIES).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction

from rentbook.audit.services import record
from rentbook.comms.backends import backend as send_backend
from rentbook.comms.services import uk_mobile
from rentbook.portfolio.models import Tenant
from rentbook.selfservice.models import Attempt, SignInCode

LOOKUP, SENT, WRONG = "lookup", "sent", "wrong"
#: kind: (how many, in how long)
LIMITS: dict[str, tuple[int, timedelta]] = {
    LOOKUP: (10, timedelta(minutes=15)),
    SENT: (3, timedelta(minutes=15)),
    WRONG: (10, timedelta(hours=1)),
}


CHANNEL_WORDS: dict[str, str] = {"email": "email", "sms": "text message"}


def tenant_actor(tenant: Tenant | int) -> SimpleNamespace:
    """Who the audit log names for what a tenant did on their own pages."""
    pk = tenant if isinstance(tenant, int) else tenant.pk
    return SimpleNamespace(pk=None, username=f"tenant {pk} (online)")


class Throttled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many tries. Wait {minutes} minutes, then try again.")
        self.minutes = minutes


def _key(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def count(kind: str, who: str, now: datetime) -> int:
    _, window = LIMITS[kind]
    return Attempt.objects.filter(kind=kind, key=_key(who), at__gt=now - window).count()


def check(kind: str, who: str, now: datetime) -> None:
    limit, window = LIMITS[kind]
    if count(kind, who, now) >= limit:
        raise Throttled(int(window.total_seconds() // 60))


def note(kind: str, who: str, now: datetime) -> None:
    Attempt.objects.create(kind=kind, key=_key(who), at=now)
    # old rows are of no use to any limit: keep the table small
    Attempt.objects.filter(at__lt=now - timedelta(days=1)).delete()


def mask_email(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}•••@{domain}"


def mask_mobile(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    return f"{'•' * max(0, len(digits) - 3)}{digits[-3:]}"


@dataclass(frozen=True)
class Route:
    channel: str
    address: str  # the real one: never shown
    masked: str


def routes(tenant: Tenant) -> list[Route]:
    """Where a code may go: the tenant's own email address and mobile on the tenancy."""
    out = []
    if tenant.email:
        out.append(Route(SignInCode.Channel.EMAIL, tenant.email, mask_email(tenant.email)))
    mobile = uk_mobile(tenant.mobile) if tenant.mobile else None
    if mobile:
        out.append(Route(SignInCode.Channel.SMS, mobile, mask_mobile(mobile)))
    return out


def _hash(code_id: int, code: str) -> str:
    return _key(f"{code_id}:{code}")


def _deliver(route: Route, code: str, purpose: str, tenant: Tenant) -> str:
    """Send the code; return the backend's status word. With live sending off, as for every
    other message, it goes to the test recipients instead of the tenant."""
    live = settings.RENTBOOK_SEND_LIVE
    words = "sign in to your rent account" if purpose == "sign-in" else "confirm your new details"
    body = (
        f"Your {settings.RENTBOOK_LANDLORD_NAME} code to {words} is {code}. It lasts"
        f" {settings.SELFSERVICE_CODE_SECONDS // 60} minutes. We will never ask you for it by"
        " phone."
    )
    be = send_backend()
    reference = f"selfservice-{tenant.pk}"
    if route.channel == SignInCode.Channel.EMAIL:
        to = route.address if live else settings.RENTBOOK_TEST_EMAIL
        sent = be.email(reference, to, f"Your {settings.RENTBOOK_LANDLORD_NAME} code", body)
    else:
        to = route.address if live else settings.RENTBOOK_TEST_MOBILE
        sent = be.sms(reference, to, body)
    return sent.status


@transaction.atomic
def issue(
    tenant: Tenant,
    route: Route,
    now: datetime,
    *,
    purpose: str = "sign-in",
    new_value: str = "",
) -> tuple[SignInCode, str]:
    """Make, store and send a code; returns the record and the code (for the demo's page
    only; nothing else may show or keep it). Raises :class:`Throttled`."""
    who = f"tenant:{tenant.pk}"
    check(SENT, who, now)
    check(WRONG, who, now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    # earlier codes for the same purpose stop working: only the latest one is good
    SignInCode.objects.filter(tenant=tenant, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    row = SignInCode.objects.create(
        tenant=tenant,
        channel=route.channel,
        sent_to=route.masked,
        purpose=purpose,
        new_value=new_value,
        code_hash="",
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SELFSERVICE_CODE_SECONDS),
    )
    row.code_hash = _hash(row.pk, code)
    row.save(update_fields=["code_hash"])
    note(SENT, who, now)
    status = _deliver(route, code, purpose, tenant)
    record(
        "selfservice.code_sent",
        object_type="portfolio.Tenant",
        object_id=str(tenant.pk),
        summary=f"one-time code ({purpose}) sent by {CHANNEL_WORDS[route.channel]} to"
        f" {route.masked}",
        actor=tenant_actor(tenant),
        after={"channel": route.channel, "status": status, "purpose": purpose},
    )
    return row, code


class CodeError(ValueError):
    pass


def verify(code_id: int, tenant_id: int, given: str, now: datetime) -> SignInCode:
    """The code if ``given`` is right, unexpired, unused and within its tries; else raises
    :class:`CodeError` (a message for the tenant) or :class:`Throttled`. A wrong try is
    counted even though the caller is refused (the count is saved before raising)."""
    with transaction.atomic():
        row, error = _verify(code_id, tenant_id, given, now)
    if error:
        raise CodeError(error)
    assert row is not None
    return row


def _verify(
    code_id: int, tenant_id: int, given: str, now: datetime
) -> tuple[SignInCode | None, str]:
    row = SignInCode.objects.select_for_update().filter(pk=code_id, tenant_id=tenant_id).first()
    who = f"tenant:{tenant_id}"
    check(WRONG, who, now)
    given = "".join(c for c in given if c.isdigit())
    if row is None or row.used_at is not None:
        return None, "That code has been used or replaced. Ask for a new code."
    if now >= row.expires_at:
        return None, "That code has expired. Ask for a new code."
    if row.attempts >= settings.SELFSERVICE_CODE_TRIES:
        return None, "That code has been tried too many times. Ask for a new code."
    if len(given) != 6 or not hmac.compare_digest(row.code_hash, _hash(row.pk, given)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        note(WRONG, who, now)
        record(
            "selfservice.code_wrong",
            object_type="portfolio.Tenant",
            object_id=str(tenant_id),
            summary=f"a wrong one-time code was entered (try {row.attempts})",
            actor=tenant_actor(tenant_id),
        )
        left = settings.SELFSERVICE_CODE_TRIES - row.attempts
        if left <= 0:
            return None, "That code has been tried too many times. Ask for a new code."
        tries = "try" if left == 1 else "tries"
        return None, f"The code is not right. Check it and try again ({left} {tries} left)."
    row.used_at = now
    row.save(update_fields=["used_at"])
    return row, ""
