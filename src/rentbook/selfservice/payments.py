"""A tenant's card payment: start it with the payment service, and when it reports success,
post it to the ledger through the import door, once. The service may confirm it more than
once (the tenant's return, a refresh, ``rentbook selfservice_payments`` catching up on those
who closed the page): the door's key, the payment service's own id, posts it only the first
time, and the record notes the batch that did."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rentbook.audit.services import record
from rentbook.ledger.models import Account
from rentbook.money import format_plain, format_pounds
from rentbook.portfolio.models import Tenant
from rentbook.selfservice import door, pay
from rentbook.selfservice.codes import tenant_actor
from rentbook.selfservice.models import CardPayment

#: The smallest and largest card payment taken online, in pence.
LEAST, MOST = 100, 1_000_000
#: The import source the payments post under (with the service's id as the key).
SOURCE = "govuk-pay"


class PaymentError(ValueError):
    pass


def check_amount(amount: int) -> None:
    if amount < LEAST:
        raise PaymentError(f"Amount must be {format_pounds(LEAST)} or more")
    if amount > MOST:
        raise PaymentError(f"Amount must be {format_pounds(MOST)} or less: for more, call us")


def start(
    account: Account, tenant: Tenant, amount: int, return_url_for, now: datetime
) -> CardPayment:
    """Create the payment with the service; the tenant is then sent to ``next_url``.
    ``return_url_for(token)`` is the absolute address the service sends them back to."""
    check_amount(amount)
    be = pay.backend()
    token = secrets.token_urlsafe(18)
    p = CardPayment.objects.create(
        account=account, tenant=tenant, amount=amount, token=token, provider=be.name,
        created_at=now,
    )  # fmt: skip
    try:
        made = be.create(amount, account.reference, "Rent payment", return_url_for(token))
    except pay.PayError:
        p.state = CardPayment.State.ERROR
        p.finished_at = now
        p.save()
        raise
    p.provider_id, p.next_url = made.payment_id, made.next_url
    p.state = CardPayment.State.STARTED
    p.save()
    record(
        "selfservice.payment_started",
        object_type="ledger.Account",
        object_id=str(account.pk),
        summary=f"card payment of {format_pounds(amount)} started online",
        after={"payment": p.pk, "provider": be.name},
        actor=tenant_actor(tenant),
    )
    return p


def confirm(p: CardPayment, now: datetime | None = None) -> CardPayment:
    """Ask the service how the payment went; post it if it succeeded and is not yet posted."""
    now = now or timezone.now()
    if p.posted_at is not None or not p.provider_id:
        return p
    state = pay.backend(p.provider).state(p.provider_id)
    if state.status == "success" and state.amount != p.amount:
        raise PaymentError("the payment service reports a different amount: not posted")
    with transaction.atomic():
        p = CardPayment.objects.select_for_update().get(pk=p.pk)
        if p.posted_at is not None:
            return p
        p.state = state.status if state.status in CardPayment.State.values else "error"
        if state.finished and p.finished_at is None:
            p.finished_at = now
        if p.state == CardPayment.State.SUCCESS:
            result = door.one_row(
                "cash_payments",
                {
                    "payment_ref": p.provider_id,
                    "reference": p.account.reference,
                    "amount": format_plain(p.amount),
                    "paid_at": timezone.localtime(p.finished_at or now).strftime(
                        "%Y-%m-%d %H:%M:%S"
                    ),
                    "channel": "card",
                    "outlet": "Online (tenant's rent account pages)",
                    "payer": "",
                },
                source=SOURCE,
            )
            p.posted_at, p.batch_id = now, result.batch_id
            record(
                "selfservice.payment_posted",
                object_type="ledger.Account",
                object_id=str(p.account_id),
                summary=f"card payment of {format_pounds(p.amount)} posted"
                f" ({result.rows_posted} new, {result.rows_present} already present)",
                after={"payment": p.pk, "batch": result.batch_id},
                actor=tenant_actor(p.tenant_id),
            )
        p.save()
    return p


def unfinished() -> list[CardPayment]:
    """Payments the service may have finished that rentbook has not yet heard of."""
    return list(
        CardPayment.objects.filter(posted_at__isnull=True)
        .exclude(provider_id="")
        .exclude(state__in=["failed", "cancelled", "error"])
    )
