"""The notices the Direct Debit Guarantee owes the payer, sent as letter batches by
``rentbook bacs``: the advance notice of a new mandate's collections (DDN), and the notice that
a collection returned "refer to payer" will be presented again (DDR). A notice held by a
safeguard (no complete address, a paused case) stays due, and so does what waits on it: a
first collection is never made before its notice period has run from a notice sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rentbook.banking.models import Mandate
from rentbook.banking.services import represent_day
from rentbook.comms.backends import Notify, Outbox
from rentbook.comms.models import Message
from rentbook.comms.services import BatchResult, current_template, send_batch


@dataclass(frozen=True)
class Sent:
    advance: BatchResult
    represent: BatchResult


def advance_due() -> list[Mandate]:
    """Mandates rentbook is to start collecting on whose payer has not had notice."""
    return list(
        Mandate.objects.filter(
            status__in=[Mandate.Status.NEW, Mandate.Status.LODGED], notice_sent_on=None
        )
        .select_related("account")
        .order_by("id")
    )


def represent_due() -> list[Mandate]:
    return list(
        Mandate.objects.filter(represent_due__isnull=False, represent_notice_on=None)
        .select_related("account")
        .order_by("id")
    )


def _send(
    code: str,
    mandates: list[Mandate],
    field: str,
    *,
    on: date,
    now: datetime,
    by: Any,
    backend: Outbox | Notify | None,
) -> BatchResult:
    if not mandates:
        return BatchResult(None, [], [])
    template = current_template(code, "letter")
    if template is None:
        raise LookupError(f"no current {code} letter template")
    result = send_batch(
        [(m.account, template, None) for m in mandates],
        now=now,
        by=by,
        source=Message.Source.RUN,
        backend=backend,
    )
    sent = {msg.account_id for msg in result.sent}
    Mandate.objects.filter(pk__in=[m.pk for m in mandates if m.account_id in sent]).update(
        **{field: on}
    )
    return result


def send_notices(
    on: date, *, now: datetime, by: Any = None, backend: Outbox | Notify | None = None
) -> Sent:
    """Send every Direct Debit notice due on processing day ``on``. A re-presentation is
    dated from the day its notice goes, so the payer always has the full notice period."""
    again = represent_due()
    day = represent_day(on)
    Mandate.objects.filter(pk__in=[m.pk for m in again]).update(represent_on=day)
    for m in again:
        m.represent_on = day
    return Sent(
        advance=_send(
            "DDN", advance_due(), "notice_sent_on", on=on, now=now, by=by, backend=backend
        ),
        represent=_send(
            "DDR", again, "represent_notice_on", on=on, now=now, by=by, backend=backend
        ),
    )
