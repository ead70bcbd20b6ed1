"""Writing the audit log. Model changes are recorded by signals (see signals.py); bulk work
such as an import records one event for the whole batch with :func:`record`."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from rentbook.audit.models import AuditEvent

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)

#: Fields never copied into the log.
SECRET_FIELDS = frozenset({"password", "totp_secret", "totp_recovery"})


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute every change made inside the block to ``user`` (None: the system)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Any:
    return _actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-safe plain values."""
    return {
        f.attname: _plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in SECRET_FIELDS
    }


def event(
    action: str,
    *,
    object_type: str,
    object_id: str = "",
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEvent:
    """An unsaved event: :func:`record` saves one, bulk work saves many with bulk_create."""
    actor = actor if actor is not None else current_actor()
    return AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:200],
        before=before,
        after=after,
    )


def record(action: str, **fields: Any) -> AuditEvent:
    """Save one event (the keyword arguments of :func:`event`)."""
    e = event(action, **fields)
    e.save()
    return e


def created_events(instances: Sequence[models.Model], *, actor: Any) -> list[AuditEvent]:
    """The "create" events the audit signals would write for ``instances`` saved one by one,
    for rows written with bulk_create (which sends no signals)."""
    return [
        event(
            "create",
            object_type=f"{obj._meta.app_label}.{type(obj).__name__}",
            object_id=str(obj.pk),
            summary=str(obj)[:200],
            after=snapshot(obj),
            actor=actor,
        )
        for obj in instances
    ]


def record_object(action: str, obj: models.Model, *, actor: Any, summary: str) -> AuditEvent:
    """Record ``action`` on one model instance, with its values after the change."""
    return record(
        action,
        object_type=f"{obj._meta.app_label}.{type(obj).__name__}",
        object_id=str(obj.pk),
        summary=summary,
        after=snapshot(obj),
        actor=actor,
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}
