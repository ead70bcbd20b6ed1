"""Former tenant arrears letters: the first as soon as a tenancy ends owing money, a reminder
when no reply has come (recovery.services.letters_due says which), sent as one batch and
recorded on each former tenant account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rentbook.comms.backends import Notify, Outbox
from rentbook.comms.models import Message
from rentbook.comms.services import BatchResult, current_template, send_batch
from rentbook.recovery.services import letter_kind, letters_due, record_letter


def send_former_tenant_letters(
    on: date,
    *,
    now: datetime,
    by: Any = None,
    source: str = Message.Source.RUN,
    backend: Outbox | Notify | None = None,
) -> BatchResult:
    """Send every former tenant letter due on ``on``; a letter held by a safeguard (a pause,
    a breathing space, no complete address) stays due and is sent by a later call."""
    due = letters_due(on)
    kinds = {fta.account_id: letter_kind(fta) for fta in due}
    items = []
    for fta in due:
        template = current_template(kinds[fta.account_id], "letter")
        if template is None:
            raise LookupError(f"no current {kinds[fta.account_id]} letter template")
        items.append((fta.account, template, None))
    if not items:
        return BatchResult(None, [], [])
    result = send_batch(items, now=now, by=by, source=source, backend=backend)
    sent = {m.account_id for m in result.sent}
    for fta in due:
        if fta.account_id in sent:
            record_letter(fta, on, by=by, diary=False)
    return result
