"""Record every create, change and delete of the models people edit."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from rentbook.audit.services import record, snapshot

#: "app_label.ModelName" of every audited model.
AUDITED = (
    "portfolio.User",
    "portfolio.Area",
    "portfolio.Patch",
    "portfolio.Property",
    "portfolio.Tenancy",
    "portfolio.Tenant",
    "portfolio.Contact",
    "ledger.Account",
    "ledger.ChargeLine",
    "ledger.Transaction",
    "cases.DiaryEntry",
    "cases.Pause",
    "cases.Flag",
)

_IGNORED_CHANGES = frozenset({"last_login"})


def _label(sender: Any) -> str:
    return f"{sender._meta.app_label}.{sender.__name__}"


def _before(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if not created and before is not None:
        changed = {k for k in after if before.get(k) != after[k]}
        if not changed or changed <= _IGNORED_CHANGES:
            return
        before = {k: before[k] for k in changed}
        after = {k: after[k] for k in changed}
    record(
        "create" if created else "change",
        object_type=_label(sender),
        object_id=str(instance.pk),
        summary=str(instance)[:200],
        before=None if created else before,
        after=after,
    )


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    record(
        "delete",
        object_type=_label(sender),
        object_id=str(instance.pk),
        summary=str(instance)[:200],
        before=snapshot(instance),
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + ":pre")
        post_save.connect(_after, sender=model, dispatch_uid=uid + ":post")
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + ":delete")
