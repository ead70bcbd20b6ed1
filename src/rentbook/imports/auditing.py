"""Audit records for changes an import makes in bulk (bulk_update fires no signals)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from rentbook.audit.models import AuditEvent
from rentbook.audit.services import current_actor


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def record_changes(
    object_type: str, changes: Iterable[tuple[Any, str, dict[str, Any], dict[str, Any]]]
) -> int:
    """One "change" event per (pk, summary, before, after), written in bulk."""
    actor = current_actor()
    at = timezone.now()
    events = [
        AuditEvent(
            at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            action="change",
            object_type=object_type,
            object_id=str(pk),
            summary=summary[:200],
            before=before,
            after=after,
        )
        for pk, summary, before, after in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
