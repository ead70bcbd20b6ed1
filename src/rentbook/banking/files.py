"""The Standard 18 files rentbook writes for one processing day: the AUDDIS instructions
queued (0N, 0C, 0S) and the Direct Debits due (01 first, 17 regular, 19 final), each
collection posted on the ledger as a payment of that day. Writing a day's file twice gives the
same file: it is stored once per kind and day."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime

from django.db import transaction

from rentbook.audit.services import record
from rentbook.banking import standard18
from rentbook.banking.days import is_processing_day
from rentbook.banking.models import BacsFile, Collection, Instruction, Mandate
from rentbook.banking.schedule import first_allowed, next_after, scheduled_on
from rentbook.ledger.models import PaymentMethod
from rentbook.ledger.postings import Received, post_received


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


def collections_due(on: date) -> list[tuple[Mandate, str, int]]:
    """The live and lodged mandates Bacs collects from on ``on``, each with its code and
    amount: 01 the first after rentbook lodged it (never before the advance notice period has
    run), 19 the last before the tenancy ends, 17 the rest, and 18 a collection returned
    "refer to payer" presented once more on its day."""
    out: list[tuple[Mandate, str, int]] = []
    # one query for which lodged mandates were collected from already, not one per mandate
    collected = set(
        Collection.objects.filter(mandate__status=Mandate.Status.LODGED).values_list(
            "mandate_id", flat=True
        )
    )
    for m in Mandate.objects.filter(
        status__in=[Mandate.Status.LIVE, Mandate.Status.LODGED]
    ).select_related("account__tenancy", "represent_due"):
        end = m.account.tenancy.end_date
        if (
            m.represent_due is not None
            and m.represent_notice_on is not None  # the payer has been told (DDR)
            and m.represent_on is not None
            and m.represent_on <= on
        ):
            out.append((m, Collection.Code.REPRESENTED, m.represent_due.amount))
        d = scheduled_on(m, on)
        if d is None:
            continue
        if end is not None and end < d:
            continue  # the tenancy has ended: nothing more is collected
        # a mandate taken over live has been collected from before: only one rentbook lodged
        # makes its first collection (01), and only once the payer has had notice of it
        if m.status == Mandate.Status.LODGED and m.pk not in collected:
            allowed = first_allowed(m)
            if allowed is None or on < allowed:
                continue
            code = Collection.Code.FIRST
        elif end is not None and next_after(m, d) > end:
            code = Collection.Code.FINAL
        else:
            code = Collection.Code.REGULAR
        out.append((m, code, m.amount))
    return out


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
            standard18.Item(m.sort_code, m.account_number, code, amount, m.reference,
                            m.payer_name)
            for m, code, amount in due
        ]  # fmt: skip
        lines = standard18.collection_lines(items, origin, on)
        f = _store(BacsFile.Kind.COLLECTIONS, on, lines, sum(i.amount for i in items), now)

        def ref(m: Mandate, code: str) -> str:
            return f"dd/{m.reference}/{on.isoformat()}/{code}"

        Collection.objects.bulk_create(
            Collection(
                mandate=m, code=code, due_on=on, amount=amount, sent_in=f,
                payment_ref=ref(m, code),
            )
            for m, code, amount in due
        )  # fmt: skip
        post_received(
            [
                Received(m.account_id, on, amount, ref(m, code),
                         f"Direct Debit {m.reference}"
                         + (" (presented again)" if code == Collection.Code.REPRESENTED else ""))
                for m, code, amount in due
            ],
            method=PaymentMethod.DIRECT_DEBIT, source="bacs", batch_id=None,
        )  # fmt: skip
        Mandate.objects.filter(
            pk__in=[m.pk for m, _, _ in due], status=Mandate.Status.LODGED
        ).update(status=Mandate.Status.LIVE, status_on=on)
        # a collection is presented again once only
        Mandate.objects.filter(
            pk__in=[m.pk for m, code, _ in due if code == Collection.Code.REPRESENTED]
        ).update(represent_due=None, represent_on=None)
        record(
            "banking.collections_file",
            object_type="banking.BacsFile",
            object_id=str(f.pk),
            summary=f"{len(due):,} Direct Debits for {on:%d %B %Y} posted, {f.total}p",
            after={"processing_on": on.isoformat(), "records": len(due), "total": f.total},
        )
    return f
