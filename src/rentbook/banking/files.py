"""The Standard 18 files rentbook writes for one processing day: the AUDDIS instructions
queued (0N, 0C, 0S) and the Direct Debits due (01 first, 17 regular, 19 final), each
collection posted on the ledger as a payment of that day. Writing a day's file twice gives the
same file: it is stored once per kind and day."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timedelta

from django.db import transaction

from rentbook.arrangements.schedules import Frequency as Every
from rentbook.arrangements.schedules import Rule, add_months, due_date
from rentbook.audit.services import record
from rentbook.banking import standard18
from rentbook.banking.days import is_processing_day, next_processing_day
from rentbook.banking.models import BacsFile, Collection, Frequency, Instruction, Mandate
from rentbook.ledger.models import PaymentMethod
from rentbook.ledger.postings import Received, post_received

PERIOD = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.FOUR_WEEKLY: 28}


class FileRefused(ValueError):
    pass


def originator() -> standard18.Originator:
    """The service user's details from the environment (docs/banking.md)."""
    names = {
        "sun": "RENTBOOK_BACS_SUN",
        "sort_code": "RENTBOOK_BACS_SORT_CODE",
        "account_number": "RENTBOOK_BACS_ACCOUNT_NUMBER",
        "name": "RENTBOOK_BACS_NAME",
    }
    missing = [v for v in names.values() if not os.environ.get(v)]
    if missing:
        raise FileRefused("set " + ", ".join(missing) + " to write Bacs files")
    return standard18.Originator(**{k: os.environ[v].strip() for k, v in names.items()})


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


def _store(kind: str, on: date, lines: list[str], total: int, now: datetime) -> BacsFile:
    content = "".join(line + "\r\n" for line in lines)
    return BacsFile.objects.create(
        kind=kind,
        processing_on=on,
        made_at=now,
        records=len(lines) - (1 if kind == BacsFile.Kind.COLLECTIONS and lines else 0),
        total=total,
        content=content,
        sha256=hashlib.sha256(content.encode("ascii")).hexdigest(),
    )


def instructions_file(on: date, now: datetime) -> BacsFile:
    """Every instruction queued and not yet sent, as the AUDDIS file for processing day ``on``."""
    if not is_processing_day(on):
        raise FileRefused(f"{on:%d %B %Y} is not a Bacs processing day")
    existing = BacsFile.objects.filter(kind=BacsFile.Kind.AUDDIS, processing_on=on).first()
    if existing:
        return existing
    origin = originator()
    with transaction.atomic():
        queued = list(
            Instruction.objects.filter(sent_in=None, queued_on__lte=on).select_related("mandate")
        )
        items = [
            standard18.Item(
                i.mandate.sort_code, i.mandate.account_number, i.code, 0,
                i.mandate.reference, i.mandate.payer_name,
            )
            for i in queued
        ]  # fmt: skip
        f = _store(
            BacsFile.Kind.AUDDIS, on, standard18.instruction_lines(items, origin, on), 0, now
        )
        Instruction.objects.filter(pk__in=[i.pk for i in queued]).update(sent_in=f)
        lodged = [i.mandate_id for i in queued if i.code == Instruction.Code.NEW]
        Mandate.objects.filter(pk__in=lodged, status=Mandate.Status.NEW).update(
            status=Mandate.Status.LODGED, status_on=on
        )
    return f


def collections_due(on: date) -> list[tuple[Mandate, str]]:
    """The live and lodged mandates Bacs collects from on ``on``, each with its code: 01 the
    first after rentbook lodged it, 19 the last before the tenancy ends, 17 the rest."""
    out = []
    # one query for which lodged mandates were collected from already, not one per mandate
    collected = set(
        Collection.objects.filter(mandate__status=Mandate.Status.LODGED).values_list(
            "mandate_id", flat=True
        )
    )
    for m in Mandate.objects.filter(
        status__in=[Mandate.Status.LIVE, Mandate.Status.LODGED]
    ).select_related("account__tenancy"):
        d = scheduled_on(m, on)
        if d is None:
            continue
        end = m.account.tenancy.end_date
        if end is not None and end < d:
            continue  # the tenancy has ended: nothing more is collected
        # a mandate taken over live has been collected from before: only one rentbook lodged
        # makes its first collection (01)
        if m.status == Mandate.Status.LODGED and m.pk not in collected:
            code = Collection.Code.FIRST
        elif end is not None and _next(m, d) > end:
            code = Collection.Code.FINAL
        else:
            code = Collection.Code.REGULAR
        out.append((m, code))
    return out


def _next(m: Mandate, d: date) -> date:
    if m.frequency == Frequency.MONTHLY:
        return add_months(d, 1, m.collection_day)
    return d + timedelta(days=PERIOD[Frequency(m.frequency)])


def collections_file(on: date, now: datetime) -> BacsFile:
    """The Direct Debits due on processing day ``on`` as a Standard 18 file with its contra;
    each collection is posted on the ledger as that day's payment."""
    if not is_processing_day(on):
        raise FileRefused(f"{on:%d %B %Y} is not a Bacs processing day")
    existing = BacsFile.objects.filter(kind=BacsFile.Kind.COLLECTIONS, processing_on=on).first()
    if existing:
        return existing
    origin = originator()
    with transaction.atomic():
        due = collections_due(on)
        items = [
            standard18.Item(m.sort_code, m.account_number, code, m.amount, m.reference,
                            m.payer_name)
            for m, code in due
        ]  # fmt: skip
        lines = standard18.collection_lines(items, origin, on)
        f = _store(BacsFile.Kind.COLLECTIONS, on, lines, sum(i.amount for i in items), now)
        refs = {m.pk: f"dd/{m.reference}/{on.isoformat()}/{code}" for m, code in due}
        Collection.objects.bulk_create(
            Collection(
                mandate=m, code=code, due_on=on, amount=m.amount, sent_in=f,
                payment_ref=refs[m.pk],
            )
            for m, code in due
        )  # fmt: skip
        post_received(
            [
                Received(m.account_id, on, m.amount, refs[m.pk], f"Direct Debit {m.reference}")
                for m, _ in due
            ],
            method=PaymentMethod.DIRECT_DEBIT, source="bacs", batch_id=None,
        )  # fmt: skip
        Mandate.objects.filter(pk__in=[m.pk for m, _ in due], status=Mandate.Status.LODGED).update(
            status=Mandate.Status.LIVE, status_on=on
        )
        record(
            "banking.collections_file",
            object_type="banking.BacsFile",
            object_id=str(f.pk),
            summary=f"{len(due):,} Direct Debits for {on:%d %B %Y} posted, {f.total}p",
            after={"processing_on": on.isoformat(), "records": len(due), "total": f.total},
        )
    return f
