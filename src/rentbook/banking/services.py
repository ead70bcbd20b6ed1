"""What the Bacs reports do: a returned Direct Debit is reversed on the ledger and its mandate
changed as its reason code says; an ADDACS advice updates, suspends, cancels or reinstates the
mandate. Each step is once only (the ledger's (source, source_ref) and the report items' own
import keys), so a report imported twice changes nothing the second time."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from rentbook.audit.services import record
from rentbook.banking.codes import ADDACS, ARUDD, Mandated, Reason
from rentbook.banking.models import (
    Collection,
    Instruction,
    InstructionChange,
    Mandate,
    ReturnedDebit,
)
from rentbook.ledger.models import Kind, PaymentMethod, Transaction
from rentbook.ledger.postings import Posting, post

#: A collection a payer's bank reports as unpaid is found on the ledger within this many days
#: of its processing day (a housing system may post it a day or two either side).
MATCH_DAYS = 3


def _collected(rd: ReturnedDebit) -> Transaction | None:
    """The ledger payment the return takes back: rentbook's own collection if it made it,
    else the Direct Debit payment of that amount nearest the processing day not yet reversed."""
    if rd.collection is not None:
        return Transaction.objects.filter(
            source="bacs", source_ref=rd.collection.payment_ref
        ).first()
    day = rd.original_processing_on
    candidates = Transaction.objects.filter(
        account_id=rd.account_id,
        kind=Kind.PAYMENT,
        method=PaymentMethod.DIRECT_DEBIT,
        amount=-rd.amount,
        posted_on__gte=day - timedelta(days=MATCH_DAYS),
        posted_on__lte=day + timedelta(days=MATCH_DAYS),
    )
    reversed_refs = set(
        Transaction.objects.filter(account_id=rd.account_id, kind=Kind.REVERSAL).values_list(
            "reverses_ref", flat=True
        )
    )
    found = [t for t in candidates if t.source_ref not in reversed_refs]
    found.sort(key=lambda t: (abs((t.posted_on - day).days), t.id))
    return found[0] if found else None


def _set_status(m: Mandate, status: str, reason: str, on: date) -> None:
    before = {"status": m.status, "status_reason": m.status_reason}
    m.status, m.status_reason, m.status_on = status, reason[:120], on
    m.save(update_fields=["status", "status_reason", "status_on", "represent_due"])
    record(
        "banking.mandate_status",
        object_type="banking.Mandate",
        object_id=str(m.pk),
        summary=f"mandate {m.reference}: {status} ({reason})"[:200],
        before=before,
        after={"status": status, "status_reason": reason},
    )


def apply_return(rd: ReturnedDebit) -> str:
    """Reverse the returned collection on the ledger and change the mandate; the consequence,
    in words, is stored on the return and returned."""
    reason: Reason = ARUDD[rd.reason_code]
    m = rd.mandate
    words = [f"ARUDD {reason.code} {reason.meaning}"]
    with transaction.atomic():
        if rd.collection is None:
            rd.collection = (
                Collection.objects.filter(mandate=m, due_on=rd.original_processing_on)
                .order_by("-id")
                .first()
            )
        paid = _collected(rd)
        if paid is None:
            words.append("no collection of that amount on the ledger to reverse: check by hand")
        else:
            back = post(
                rd.account,
                Posting(
                    kind=Kind.REVERSAL,
                    amount=-paid.amount,
                    posted_on=rd.reported_on,
                    source="bacs",
                    source_ref=f"arudd/{rd.import_ref}"[:80],
                    method=PaymentMethod.DIRECT_DEBIT,
                    reverses_ref=paid.source_ref,
                    description=f"Direct Debit returned unpaid: {reason.meaning}"[:100],
                ),
            )
            rd.reversal_ref = back.source_ref
            words.append("reversed on the ledger")
        if rd.collection is not None:
            Collection.objects.filter(pk=rd.collection.pk).update(returned=True)
        # one re-presentation only: a collection already re-presented (18) is not offered again
        again = (
            reason.represent
            and rd.collection is not None
            and rd.collection.code != Collection.Code.REPRESENTED
        )
        if reason.represent:
            m.represent_due = rd.collection if again else None
            words.append(
                "may be presented once more (18) after notice to the payer"
                if again
                else "not presented again (it was already re-presented, or not ours)"
            )
        if reason.mandate == Mandated.CANCEL:
            _set_status(m, Mandate.Status.CANCELLED, words[0], rd.reported_on)
            words.append("mandate cancelled")
        elif reason.mandate == Mandated.SUSPEND:
            _set_status(m, Mandate.Status.SUSPENDED, words[0], rd.reported_on)
            words.append("mandate suspended")
        elif reason.represent:
            m.save(update_fields=["represent_due"])
        if reason.deceased:
            words.append("deceased route to start")
        rd.consequence = "; ".join(words)[:200]
        rd.save(update_fields=["collection", "reversal_ref", "consequence"])
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
