"""Recording what officers do on a case: actions in the diary, pauses and flags.

Plain functions over plain values. Each one validates everything it is given and raises
:class:`CaseError` naming every field in error (the form shows them in its error summary),
then saves inside ``acting_as(officer)`` so the audit log (the audit app's signals cover
DiaryEntry, Pause and Flag) names the person even when called from a command. Nothing here
reads the clock: the caller passes ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from rentbook.audit.services import acting_as
from rentbook.cases.codes import BY_CODE
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.errors import FieldErrors
from rentbook.ledger.models import Account

#: The standard breathing space (Debt Respite Scheme) lasts 60 days from its start.
BREATHING_SPACE_DAYS = 60

OUTCOME_MAX = DiaryEntry._meta.get_field("outcome").max_length or 60


class CaseError(FieldErrors):
    """What was wrong with an action, pause or flag, by field."""


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def record_action(
    account: Account,
    code: str,
    at: datetime | None,
    officer: Any,
    *,
    outcome: str = "",
    note: str = "",
    promise_amount: int | None = None,
    promise_date: date | None = None,
    recommendation_id: int | None = None,
    now: datetime | None = None,
) -> DiaryEntry:
    """Record one thing done on the case, at ``at``; a promise to pay needs amount and date.

    ``now``, when given, refuses an action dated in the future.
    """
    errors: dict[str, str] = {}
    action = BY_CODE.get((code or "").strip())
    if action is None:
        errors["code"] = "Select the action you took"
    if at is None:
        errors["at"] = "Enter the date and time the action was done"
    elif not _aware(at):
        raise ValueError("record_action needs an aware datetime for at")
    elif now is not None and at > now:
        errors["at"] = "The date and time done must be now or in the past"
    outcome = (outcome or "").strip()
    if len(outcome) > OUTCOME_MAX:
        errors["outcome"] = f"Outcome must be {OUTCOME_MAX} characters or fewer"
    if action is not None and action.promise:
        if promise_amount is None:
            errors["promise_amount"] = "Enter the amount the tenant promised to pay"
        elif promise_amount <= 0:
            errors["promise_amount"] = "The promised amount must be more than £0"
        if promise_date is None:
            errors["promise_date"] = "Enter the date the tenant promised to pay by"
        elif at is not None and promise_date < at.date():
            errors["promise_date"] = "The promised date must be on or after the date done"
    elif action is not None:
        if promise_amount is not None:
            errors["promise_amount"] = "Only a promise to pay has a promised amount"
        if promise_date is not None:
            errors["promise_date"] = "Only a promise to pay has a promised date"
    if errors:
        raise CaseError(errors)
    assert action is not None and at is not None
    with acting_as(officer):
        return DiaryEntry.objects.create(
            account=account,
            at=at,
            code=action.code,
            category=action.category,
            outcome=outcome,
            note=(note or "").strip(),
            promise_amount=promise_amount,
            promise_date=promise_date,
            officer=officer if getattr(officer, "pk", None) else None,
            source=DiaryEntry.Source.OFFICER,
            recommendation_id=recommendation_id,
        )


def active_pause(account: Account, today: date) -> Pause | None:
    """The pause holding the case on ``today`` (not lifted, until today or later), if any."""
    return active_pauses([account.pk], today).get(account.pk)


def active_pauses(account_ids: Sequence[int], today: date) -> dict[int, Pause]:
    """:func:`active_pause` of many accounts in one query, by account id (none: absent)."""
    found: dict[int, Pause] = {}
    for p in Pause.objects.filter(
        account_id__in=account_ids, lifted_at__isnull=True, until__gte=today
    ).order_by("account_id", "-starts_at", "-id"):
        found.setdefault(p.account_id, p)
    return found


def pause_case(
    account: Account,
    reason: str,
    until: date | None,
    *,
    by: Any,
    now: datetime,
    note: str = "",
) -> Pause:
    """Hold the case from ``now`` until a future date, for a reason; one pause at a time."""
    errors: dict[str, str] = {}
    if reason not in Pause.Reason.values:
        errors["reason"] = "Select why the case is paused"
    today = now.date()
    if until is None:
        errors["until"] = "Enter the date the pause ends"
    elif until <= today:
        errors["until"] = "The date the pause ends must be in the future"
    if reason == Pause.Reason.OTHER and not (note or "").strip():
        errors["note"] = "Say why the case is paused"
    current = active_pause(account, today)
    if current is not None:
        errors["reason"] = (
            f"This case is already paused until {current.until:%-d %B %Y}: lift that pause first"
        )
    if errors:
        raise CaseError(errors)
    assert until is not None
    with acting_as(by), transaction.atomic():
        return Pause.objects.create(
            account=account,
            reason=reason,
            note=(note or "").strip(),
            starts_at=now,
            until=until,
            created_by=by if getattr(by, "pk", None) else None,
        )


def lift_pause(pause: Pause, *, by: Any, now: datetime) -> Pause:
    """End a pause early, from ``now``."""
    if pause.lifted_at is not None:
        raise CaseError({"pause": "This pause has already been lifted"})
    if pause.until < now.date():
        raise CaseError({"pause": "This pause has already ended"})
    with acting_as(by):
        pause.lifted_at = now
        pause.save(update_fields=["lifted_at"])
    return pause


def add_flag(
    account: Account,
    type: str,
    starts_on: date | None,
    *,
    by: Any,
    ends_on: date | None = None,
    note: str = "",
) -> Flag:
    """Record a hold or circumstance with its dates.

    A standard breathing space with no end date ends 60 days after it starts (the Debt
    Respite Scheme's moratorium); a mental health crisis breathing space may be open-ended
    (it lasts until 30 days after the crisis treatment ends, which is not known in advance).
    """
    errors: dict[str, str] = {}
    if type not in Flag.Type.values:
        errors["type"] = "Select the kind of flag"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the flag starts"
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    if errors:
        raise CaseError(errors)
    assert starts_on is not None
    if type == Flag.Type.BREATHING_SPACE and ends_on is None:
        ends_on = starts_on + timedelta(days=BREATHING_SPACE_DAYS - 1)
    with acting_as(by):
        return Flag.objects.create(
            account=account,
            type=type,
            starts_on=starts_on,
            ends_on=ends_on,
            note=(note or "").strip(),
            created_by=by if getattr(by, "pk", None) else None,
        )


def end_flag(flag: Flag, ends_on: date | None, *, by: Any) -> Flag:
    """Give a flag its end date (a breathing space cancelled early, a dispute resolved)."""
    if ends_on is None:
        raise CaseError({"ends_on": "Enter the date the flag ends"})
    if ends_on < flag.starts_on:
        raise CaseError({"ends_on": "The end date must be the same as or after the start date"})
    with acting_as(by):
        flag.ends_on = ends_on
        flag.save(update_fields=["ends_on"])
    return flag


def active_flags(account: Account, today: date) -> list[Flag]:
    """Flags in force on ``today``: started, and not ended before today."""
    return list(
        Flag.objects.filter(account=account, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .order_by("-starts_on", "-id")
    )
