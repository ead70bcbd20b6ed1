"""When a mandate is collected: its scheduled dates (any day of the month or week, weekly to
monthly), the processing day each falls on, and the first collection a newly lodged mandate
may make once the payer has had the advance notice (the Direct Debit Guarantee)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from rentbook.arrangements.schedules import Frequency as Every
from rentbook.arrangements.schedules import Rule, add_months, due_date
from rentbook.banking.days import add_processing_days, next_processing_day
from rentbook.banking.models import Frequency, Mandate

PERIOD = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.FOUR_WEEKLY: 28}


def rule_of(m: Mandate) -> Rule:
    if m.frequency == Frequency.MONTHLY:
        return Rule(Every.MONTHLY, day_of_month=m.collection_day)
    return Rule(Every(m.frequency), weekday=m.collection_day)


def scheduled_on(m: Mandate, on: date) -> date | None:
    """The scheduled date of ``m`` that Bacs collects on processing day ``on`` (a date on a
    weekend or bank holiday moves to the next processing day), or None."""
    first, rule = m.first_collection, rule_of(m)
    if on < first:
        return None
    if m.frequency == Frequency.MONTHLY:
        months = (on.year - first.year) * 12 + on.month - first.month
        ks = [k for k in (months - 1, months) if k >= 0]
    else:
        p = PERIOD[Frequency(m.frequency)]
        k = (on - first).days // p
        ks = [k - 1, k] if k else [0]
    for k in ks:
        if k < 0:
            continue
        d = due_date(first, rule, k)
        if d <= on and next_processing_day(d) == on:
            return d
    return None


def next_after(m: Mandate, d: date) -> date:
    if m.frequency == Frequency.MONTHLY:
        return add_months(d, 1, m.collection_day)
    return d + timedelta(days=PERIOD[Frequency(m.frequency)])


def first_allowed(m: Mandate) -> date | None:
    """The first processing day a mandate rentbook lodged may be collected from: the advance
    notice period (RENTBOOK_DD_NOTICE_DAYS processing days) after its notice was sent; None
    while no notice has gone."""
    if m.notice_sent_on is None:
        return None
    return add_processing_days(m.notice_sent_on, settings.RENTBOOK_DD_NOTICE_DAYS)


def first_collection_from(m: Mandate, today: date, *, collected: bool) -> date | None:
    """The processing day of the next collection rentbook will make on ``m`` from ``today``:
    for a mandate rentbook has not yet collected on (``collected`` false), the first scheduled
    date whose processing day is on or after the notice period (counted from the notice sent,
    or from today when it is yet to go); otherwise the next scheduled one. None for a mandate
    that cannot be collected (suspended or cancelled)."""
    if m.status in (Mandate.Status.SUSPENDED, Mandate.Status.CANCELLED):
        return None
    earliest = today
    if m.status in (Mandate.Status.NEW, Mandate.Status.LODGED) and not collected:
        sent = m.notice_sent_on or today
        earliest = max(today, add_processing_days(sent, settings.RENTBOOK_DD_NOTICE_DAYS))
    first, rule = m.first_collection, rule_of(m)
    # start a period before the one ``earliest`` falls in, not from the first collection: a
    # letter batch asks this of every mandated account, some collected weekly for years
    if m.frequency == Frequency.MONTHLY:
        start = (earliest.year - first.year) * 12 + earliest.month - first.month - 1
    else:
        start = (earliest - first).days // PERIOD[Frequency(m.frequency)] - 1
    for k in range(max(0, start), max(0, start) + 4):
        d = next_processing_day(due_date(first, rule, k))
        if d >= earliest:
            return d
    return None
