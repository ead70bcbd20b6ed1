"""Payments from the cash and card channels (Allpay, PayPoint, Post Office, card payments) and
bank statement lines (standing orders, transfers): matched to an account by the payment
reference, else held in suspense, and allocated from suspense by a person, audited and
reversible. Money is never dropped and never guessed (docs/banking.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from rentbook.audit.services import record
from rentbook.banking.models import ChannelPayment
from rentbook.banking.references import check_character, is_valid, normalise
from rentbook.ledger.models import Account, Kind, PaymentMethod, Transaction
from rentbook.ledger.postings import Posting, Received, post, post_received

#: The ledger's payment method for each channel.
METHOD = {
    ChannelPayment.Channel.ALLPAY: PaymentMethod.ALLPAY,
    ChannelPayment.Channel.PAYPOINT: PaymentMethod.PAYPOINT,
    ChannelPayment.Channel.POST_OFFICE: PaymentMethod.POST_OFFICE,
    ChannelPayment.Channel.CARD: PaymentMethod.CARD,
    ChannelPayment.Channel.STANDING_ORDER: PaymentMethod.STANDING_ORDER,
    ChannelPayment.Channel.BANK_TRANSFER: PaymentMethod.BANK_TRANSFER,
}


class AllocationError(ValueError):
    pass


def match(given: str, accounts: dict[str, int], narrative: str = "") -> tuple[int | None, str, str]:
    """(account id, how it matched, why not): the reference with its check character first,
    then, as fallbacks, the account reference alone, then the reference found in a longer
    narrative (a bank statement line). A check character that is wrong is never corrected."""
    ref = normalise(given)
    if not ref and not narrative.strip():
        return None, "", "no reference given"
    if is_valid(ref) and ref[:-1] in accounts:
        return accounts[ref[:-1]], "reference and check character", ""
    if ref in accounts:
        return accounts[ref], "account reference (no check character)", ""
    words = [normalise(w) for w in f"{given} {narrative}".replace(",", " ").split()]
    found = {accounts[w[:-1]] for w in words if len(w) > 1 and is_valid(w) and w[:-1] in accounts}
    found |= {accounts[w] for w in words if w in accounts}
    if len(found) == 1:
        return found.pop(), "reference in the narrative", ""
    if len(found) > 1:
        return None, "", "the narrative names more than one account"
    near = [w for w in ([ref] if ref else words) if len(w) > 1 and w[:-1] in accounts]
    if near:
        w = near[0]
        return None, "", f"the check character of {w} is wrong (expected {check_character(w[:-1])})"
    if not ref and narrative.strip():
        return None, "", "no reference given, and none found in the narrative"
    if not ref:
        return None, "", "no reference given"
    return None, "", "no account has this reference"


def matched_frame(refs: pl.Series, narratives: pl.Series, accounts: dict[str, int]) -> pl.DataFrame:
    """:func:`match` for each row: account_id, matched_by and suspense_reason columns."""
    out = [match(r or "", accounts, n or "") for r, n in zip(refs, narratives, strict=True)]
    return pl.DataFrame(
        {
            "account_id": [a for a, _, _ in out],
            "matched_by": [m for _, m, _ in out],
            "suspense_reason": [w for _, _, w in out],
        },
        schema={"account_id": pl.Int64, "matched_by": pl.String, "suspense_reason": pl.String},
    )


def post_matched(rows: pl.DataFrame, source: str, batch_id: int | None) -> int:
    """Post the matched rows (id, account_id, amount, paid_on, channel, outlet, import_ref) as
    ledger payments of the import's source, each keyed by its own reference: once only."""
    n = 0
    for channel, part in rows.group_by("channel"):
        label = ChannelPayment.Channel(channel[0]).label
        n += post_received(
            [
                Received(
                    r["account_id"], r["paid_on"], r["amount"], r["import_ref"],
                    f"{label} {r['outlet'] or ''}".strip(),
                )
                for r in part.iter_rows(named=True)
            ],
            method=METHOD[ChannelPayment.Channel(channel[0])], source=source, batch_id=batch_id,
        )  # fmt: skip
    return n


def _actor(user: Any) -> str:
    return getattr(user, "username", "") or str(user or "")


def allocate(item: ChannelPayment, account: Account, *, user: Any, on: date | None = None) -> str:
    """Allocate a payment in suspense to ``account``: posted there once (source "suspense"),
    audited. Raises AllocationError for one not in suspense."""
    with transaction.atomic():
        item = ChannelPayment.objects.select_for_update().get(pk=item.pk)
        if item.status != ChannelPayment.Status.SUSPENSE:
            raise AllocationError("this payment is not in suspense")
        n = Transaction.objects.filter(source="suspense", source_ref__startswith=f"s{item.pk}/")
        ref = f"s{item.pk}/{n.count() + 1}"
        post(
            account,
            Posting(
                kind=Kind.PAYMENT,
                amount=-item.amount,
                posted_on=item.paid_on,
                source="suspense",
                source_ref=ref,
                method=METHOD[ChannelPayment.Channel(item.channel)],
                description=f"Allocated from suspense: {item.reference_given}"[:100],
            ),
            actor=user,
        )
        before = {"status": item.status, "account": None}
        item.account, item.status, item.posted_ref = account, ChannelPayment.Status.ALLOCATED, ref
        item.allocated_by, item.allocated_at = _actor(user), timezone.now()
        item.save(update_fields=["account", "status", "posted_ref", "allocated_by", "allocated_at"])
        record(
            "banking.allocated",
            object_type="banking.ChannelPayment",
            object_id=str(item.pk),
            summary=f"{item.amount}p from suspense to {account.reference}",
            before=before,
            after={"status": item.status, "account": account.reference},
        )
    return ref


def unallocate(item: ChannelPayment, *, user: Any, on: date) -> str:
    """Undo an allocation: a reversal on the account, and the payment back in suspense."""
    with transaction.atomic():
        item = (
            ChannelPayment.objects.select_for_update(of=("self",))
            .select_related("account")
            .get(pk=item.pk)
        )
        if item.status != ChannelPayment.Status.ALLOCATED:
            raise AllocationError("only an allocation from suspense can be undone here")
        account = item.account
        assert account is not None
        post(
            account,
            Posting(
                kind=Kind.REVERSAL,
                amount=item.amount,
                posted_on=on,
                source="suspense",
                source_ref=f"{item.posted_ref}/undone",
                method=METHOD[ChannelPayment.Channel(item.channel)],
                reverses_ref=item.posted_ref,
                description="Allocation from suspense undone",
            ),
            actor=user,
        )
        before = {"status": item.status, "account": account.reference}
        item.account, item.status = None, ChannelPayment.Status.SUSPENSE
        item.save(update_fields=["account", "status"])
        record(
            "banking.unallocated",
            object_type="banking.ChannelPayment",
            object_id=str(item.pk),
            summary=f"{item.amount}p back to suspense from {account.reference}",
            before=before,
            after={"status": item.status, "account": None},
        )
    return f"{item.posted_ref}/undone"
