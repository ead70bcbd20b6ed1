"""What the Bacs reports do: a returned Direct Debit is reversed on the ledger and its mandate
changed as its reason code says; an ADDACS advice updates, suspends, cancels or reinstates the
mandate. Each step is once only (the ledger's (source, source_ref) and the report items' own
import keys), so a report imported twice changes nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from rentbook.audit.services import record
from rentbook.banking.codes import ADDACS, ARUDD, AUDDIS, DDICA, Mandated, Reason
from rentbook.banking.days import add_processing_days
from rentbook.banking.models import (
    Collection,
    IndemnityClaim,
    Instruction,
    InstructionChange,
    InstructionRejection,
    Mandate,
    ReturnedDebit,
)
from rentbook.ledger.models import Kind, PaymentMethod, Transaction
from rentbook.ledger.postings import Posting, check, post

#: A collection a payer's bank reports as unpaid is found on the ledger within this many days
#: of its processing day (a housing system may post it a day or two either side).
MATCH_DAYS = 3


@dataclass
class Reversals:
    """The reversals one report's items post, written together once the report is applied
    (one insert and one audit event for the file, not one posting each): ``taken`` keeps a
    payment reversed by an earlier item of the same report from being reversed again."""

    rows: list[Transaction] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    #: the report's items, saved together with their consequence
    items: list[ReturnedDebit | IndemnityClaim] = field(default_factory=list)
    #: rentbook's own collections that came back
    returned: set[int] = field(default_factory=set)

    def flush(self, what: str) -> int:
        for model in (ReturnedDebit, IndemnityClaim):
            mine = [i for i in self.items if isinstance(i, model)]
            if mine:
                fields = ["reversal_ref", "consequence"]
                if model is ReturnedDebit:
                    fields.append("collection")
                model.objects.bulk_update(mine, fields, batch_size=1000)
        if self.returned:
            Collection.objects.filter(pk__in=self.returned).update(returned=True)
        self.items.clear()
        self.returned.clear()
        made = Transaction.objects.bulk_create(self.rows, ignore_conflicts=True, batch_size=2000)
        if made:
            record(
                "ledger.posted",
                object_type="ledger.Transaction",
                object_id="",
                summary=f"{len(made):,} {what} reversed on the ledger, "
                f"{sum(t.amount for t in made):,}p in all",
                after={"source": "bacs", "source_refs": [t.source_ref for t in made][:1000]},
            )
        self.rows.clear()
        return len(made)


def _collected(
    account_id: int,
    collection: Collection | None,
    day: date,
    amount: int,
    taken: set[str] | frozenset[str] = frozenset(),
) -> Transaction | None:
    """The ledger payment a return or claim takes back: rentbook's own collection if it made
    it, else the Direct Debit payment of that amount nearest the day; never one already
    reversed (a payment comes back once, whether returned or reclaimed), on the ledger or by an
    earlier item of the same report (``taken``)."""
    # a reversal comes after its payment, which is within MATCH_DAYS of the day (the
    # (account, posted_on) index then reads days, not years, of the account's rows)
    since = day - timedelta(days=MATCH_DAYS)
    reversed_refs = set(
        Transaction.objects.filter(
            account_id=account_id, kind=Kind.REVERSAL, posted_on__gte=since
        ).values_list("reverses_ref", flat=True)
    ) | set(taken)
    if collection is not None:
        own = Transaction.objects.filter(source="bacs", source_ref=collection.payment_ref).first()
        return own if own is not None and own.source_ref not in reversed_refs else None
    candidates = Transaction.objects.filter(
        account_id=account_id,
        kind=Kind.PAYMENT,
        method=PaymentMethod.DIRECT_DEBIT,
        amount=-amount,
        posted_on__gte=since,
        posted_on__lte=day + timedelta(days=MATCH_DAYS),
    )
    found = [t for t in candidates if t.source_ref not in reversed_refs]
    found.sort(key=lambda t: (abs((t.posted_on - day).days), t.id))
    return found[0] if found else None


def _reverse(
    paid: Transaction, *, on: date, ref: str, description: str, batch: Reversals | None = None
) -> str:
    """Post the reversal of a Direct Debit payment (with ``batch``, add it to the report's
    reversals, written when the report is applied); its ledger reference."""
    posting = Posting(
        kind=Kind.REVERSAL,
        amount=-paid.amount,
        posted_on=on,
        source="bacs",
        source_ref=ref[:80],
        method=PaymentMethod.DIRECT_DEBIT,
        reverses_ref=paid.source_ref,
        description=description[:100],
    )
    if batch is None:
        return post(paid.account, posting).source_ref
    check(posting)
    batch.rows.append(
        Transaction(
            account_id=paid.account_id, posted_on=on, kind=posting.kind, method=posting.method,
            amount=posting.amount, reverses_ref=posting.reverses_ref,
            description=posting.description, source=posting.source,
            source_ref=posting.source_ref,
        )
    )  # fmt: skip
    batch.taken.add(paid.source_ref)
    return posting.source_ref


def _collection_on(m: Mandate, day: date) -> Collection | None:
    return Collection.objects.filter(mandate=m, due_on=day).order_by("-id").first()


def _set_status(m: Mandate, status: str, reason: str, on: date) -> None:
    before = {"status": m.status, "status_reason": m.status_reason}
    m.status, m.status_reason, m.status_on = status, reason[:120], on
    m.save(
        update_fields=[
            *("status", "status_reason", "status_on"),
            *("represent_due", "represent_on", "represent_notice_on"),
        ]
    )
    record(
        "banking.mandate_status",
        object_type="banking.Mandate",
        object_id=str(m.pk),
        summary=f"mandate {m.reference}: {status} ({reason})"[:200],
        before=before,
        after={"status": status, "status_reason": reason},
    )


def represent_day(reported_on: date) -> date:
    """The processing day a collection returned "refer to payer" is presented again: the
    payer is told (the DDR letter, sent by ``rentbook bacs``) and given
    RENTBOOK_BACS_REPRESENT_DAYS processing days' notice."""
    return add_processing_days(reported_on, settings.RENTBOOK_BACS_REPRESENT_DAYS)


def apply_return(rd: ReturnedDebit, batch: Reversals | None = None) -> str:
    """Reverse the returned collection on the ledger and change the mandate; the consequence,
    in words, is stored on the return and returned."""
    reason: Reason = ARUDD[rd.reason_code]
    m = rd.mandate
    words = [f"ARUDD {reason.code} {reason.meaning}"]
    with transaction.atomic():
        if rd.collection is None:
            rd.collection = _collection_on(m, rd.original_processing_on)
        paid = _collected(
            rd.account_id, rd.collection, rd.original_processing_on, rd.amount,
            batch.taken if batch else frozenset(),
        )  # fmt: skip
        if paid is None:
            words.append("no collection of that amount on the ledger to reverse: check by hand")
        else:
            rd.reversal_ref = _reverse(
                paid,
                on=rd.reported_on,
                ref=f"arudd/{rd.import_ref}",
                description=f"Direct Debit returned unpaid: {reason.meaning}",
                batch=batch,
            )
            words.append("reversed on the ledger")
        if rd.collection is not None:
            if batch is None:
                Collection.objects.filter(pk=rd.collection.pk).update(returned=True)
            else:
                batch.returned.add(rd.collection.pk)
        # one re-presentation only: a collection already re-presented (18) is not offered again
        again = (
            reason.represent
            and rd.collection is not None
            and rd.collection.code != Collection.Code.REPRESENTED
        )
        if reason.represent:
            m.represent_due = rd.collection if again else None
            m.represent_on = represent_day(rd.reported_on) if again else None
            m.represent_notice_on = None
            words.append(
                f"to be presented once more (18) on {m.represent_on:%d %b %Y} after notice"
                if again and m.represent_on
                else "not presented again (it was already re-presented, or not ours)"
            )
        if reason.mandate == Mandated.CANCEL:
            _set_status(m, Mandate.Status.CANCELLED, words[0], rd.reported_on)
            words.append("mandate cancelled")
        elif reason.mandate == Mandated.SUSPEND:
            _set_status(m, Mandate.Status.SUSPENDED, words[0], rd.reported_on)
            words.append("mandate suspended")
        elif reason.represent:
            m.save(update_fields=["represent_due", "represent_on", "represent_notice_on"])
        if reason.deceased:
            words.append("deceased route to start")
        rd.consequence = "; ".join(words)[:200]
        if batch is None:
            rd.save(update_fields=["collection", "reversal_ref", "consequence"])
        else:
            batch.items.append(rd)
    return rd.consequence


def apply_change(ch: InstructionChange) -> str:
    """Apply one ADDACS advice to its mandate. Code 3 (transferred to a new bank) updates the
    bank details and lodges a new instruction (0N) to the new account, never a 0C: the old
    bank has already moved it, and a 0C would cancel the instruction at the new one."""
    reason: Reason = ADDACS[ch.reason_code]
    m = ch.mandate
    words = [f"ADDACS {reason.code} {reason.meaning}"]
    with transaction.atomic():
        if reason.mandate == Mandated.UPDATE:
            before = {
                "sort_code": m.sort_code,
                "account_number": m.account_number,
                "payer_name": m.payer_name,
            }
            m.sort_code = ch.new_sort_code or m.sort_code
            m.account_number = ch.new_account_number or m.account_number
            m.payer_name = ch.new_payer_name or m.payer_name
            m.save(update_fields=["sort_code", "account_number", "payer_name"])
            record(
                "banking.mandate_details",
                object_type="banking.Mandate",
                object_id=str(m.pk),
                summary=f"mandate {m.reference}: bank details changed ({words[0]})"[:200],
                before=before,
                after={
                    "sort_code": m.sort_code,
                    "account_number": m.account_number,
                    "payer_name": m.payer_name,
                },
            )
            words.append("bank details updated")
            if reason.new_instruction:
                Instruction.objects.create(
                    mandate=m, code=Instruction.Code.NEW, reason=words[0], queued_on=ch.reported_on
                )
                _set_status(m, Mandate.Status.NEW, words[0], ch.reported_on)
                words.append("new instruction (0N) queued to the new account; no 0C")
        elif reason.mandate == Mandated.CANCEL:
            _set_status(m, Mandate.Status.CANCELLED, words[0], ch.reported_on)
            words.append("mandate cancelled")
        elif reason.mandate == Mandated.SUSPEND:
            _set_status(m, Mandate.Status.SUSPENDED, words[0], ch.reported_on)
            words.append("mandate suspended")
        elif reason.mandate == Mandated.REINSTATE:
            _set_status(m, Mandate.Status.LIVE, words[0], ch.reported_on)
            words.append("mandate live again")
        if reason.deceased:
            words.append("deceased route to start")
        ch.consequence = "; ".join(words)[:200]
        ch.save(update_fields=["consequence"])
    return ch.consequence


def _mandate_follows(m: Mandate, reason: Reason, words: list[str], on: date) -> None:
    if reason.mandate == Mandated.CANCEL and m.status != Mandate.Status.CANCELLED:
        _set_status(m, Mandate.Status.CANCELLED, words[0], on)
        words.append("mandate cancelled")
    elif reason.mandate == Mandated.SUSPEND:
        _set_status(m, Mandate.Status.SUSPENDED, words[0], on)
        words.append("mandate suspended")
    if reason.deceased:
        words.append("deceased route to start")


def apply_rejection(rj: InstructionRejection) -> str:
    """An instruction the payer's bank rejected: a rejected 0N or 0S means nothing can be
    collected on it, so no collection is made; the mandate is suspended for the team to mend
    or cancelled as the code says. A rejected 0C changes nothing: the mandate is ended."""
    reason: Reason = AUDDIS[rj.reason_code]
    m = rj.mandate
    words = [f"AUDDIS {rj.transaction_code} rejected: {reason.code} {reason.meaning}"]
    with transaction.atomic():
        if rj.transaction_code == Instruction.Code.CANCEL:
            words.append("the mandate was already being cancelled: nothing more to do")
        else:
            _mandate_follows(m, reason, words, rj.reported_on)
        rj.consequence = "; ".join(words)[:200]
        rj.save(update_fields=["consequence"])
    return rj.consequence


def apply_claim(ic: IndemnityClaim, batch: Reversals | None = None) -> str:
    """A Direct Debit the payer reclaimed under the Guarantee is money not collected: its
    payment is reversed on the ledger (once) and the mandate kept or cancelled by the code."""
    reason: Reason = DDICA[ic.reason_code]
    m = ic.mandate
    words = [f"DDICA {reason.code} {reason.meaning}"]
    with transaction.atomic():
        collection = _collection_on(m, ic.collected_on)
        paid = _collected(
            ic.account_id, collection, ic.collected_on, ic.amount,
            batch.taken if batch else frozenset(),
        )  # fmt: skip
        if paid is None:
            words.append("no collection of that amount on the ledger to reverse: check by hand")
        else:
            ic.reversal_ref = _reverse(
                paid,
                on=ic.reported_on,
                ref=f"ddica/{ic.import_ref}",
                description=f"Direct Debit reclaimed (indemnity): {reason.meaning}",
                batch=batch,
            )
            words.append("reversed on the ledger")
            if collection is not None:
                if batch is None:
                    Collection.objects.filter(pk=collection.pk).update(returned=True)
                else:
                    batch.returned.add(collection.pk)
        _mandate_follows(m, reason, words, ic.reported_on)
        ic.consequence = "; ".join(words)[:200]
        if batch is None:
            ic.save(update_fields=["reversal_ref", "consequence"])
        else:
            batch.items.append(ic)
    return ic.consequence
