"""Entries rentbook itself posts to the ledger: court costs, write-offs and write-ons, transfers
of a former tenant's balance. Everything else enters through the import door (imports/).

Each posting carries its own ``(source, source_ref)``, such as ``("writeoff", "WO-12")``, so
posting the same thing twice returns the first entry rather than a second one, and each is
written to the audit log with who posted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction

from rentbook.audit.services import record
from rentbook.ledger.models import KIND_SIGN, Account, Kind, Transaction
from rentbook.ledger.positions import bulk_insert

#: Sources the import door may not use, so an import can never collide with a posting.
INTERNAL_SOURCES = frozenset(
    {"court", "writeoff", "writeon", "transfer", "rentbook", "bacs", "suspense"}
)


class PostingError(ValueError):
    """A posting that breaks a ledger rule; the message names the field and the reason."""


@dataclass(frozen=True)
class Posting:
    kind: str
    amount: int
    posted_on: date
    source: str
    source_ref: str
    description: str = ""
    method: str = ""
    reverses_ref: str = ""


def check(p: Posting) -> None:
    """Raise PostingError unless ``p`` could be posted."""
    if p.kind not in Kind.values:
        raise PostingError(f"kind: {p.kind!r} is not a ledger kind")
    if not isinstance(p.amount, int) or isinstance(p.amount, bool):
        raise PostingError("amount: must be a whole number of pence")
    if p.amount == 0:
        raise PostingError("amount: must not be zero")
    sign = KIND_SIGN[p.kind]
    if sign and (p.amount > 0) != (sign > 0):
        owed = "owed more (positive)" if sign > 0 else "owed less (negative)"
        raise PostingError(f"amount: a {Kind(p.kind).label.lower()} must leave the tenant {owed}")
    if p.source not in INTERNAL_SOURCES:
        raise PostingError(f"source: {p.source!r} is not one of {sorted(INTERNAL_SOURCES)}")
    if not p.source_ref or len(p.source_ref) > 80:
        raise PostingError("source_ref: must be 1 to 80 characters")
    if len(p.description) > 100:
        raise PostingError("description: must be at most 100 characters")


def post(account: Account, p: Posting, *, actor: Any = None) -> Transaction:
    """Post ``p`` to ``account`` once; posting the same (source, source_ref) again returns the
    entry already posted, after checking it is the same entry."""
    check(p)
    existing = Transaction.objects.filter(source=p.source, source_ref=p.source_ref).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Transaction.objects.create(
                    account=account,
                    posted_on=p.posted_on,
                    kind=p.kind,
                    method=p.method,
                    amount=p.amount,
                    reverses_ref=p.reverses_ref,
                    description=p.description,
                    source=p.source,
                    source_ref=p.source_ref,
                )
        except IntegrityError:
            existing = Transaction.objects.get(source=p.source, source_ref=p.source_ref)
        else:
            record(
                "ledger.posted",
                object_type="ledger.Transaction",
                object_id=str(existing.pk),
                summary=f"{Kind(p.kind).label} of {p.amount}p on {account.reference}",
                after={
                    "account": account.reference,
                    "kind": p.kind,
                    "amount": p.amount,
                    "posted_on": p.posted_on.isoformat(),
                    "source": p.source,
                    "source_ref": p.source_ref,
                    "description": p.description,
                },
                actor=actor,
            )
            return existing
    if existing.account_id != account.pk or existing.amount != p.amount or existing.kind != p.kind:
        raise PostingError(
            f"source_ref: {p.source}/{p.source_ref} is already posted as a different entry"
        )
    return existing


@dataclass(frozen=True)
class Received:
    """Money a payment file says an account received: pence (positive), by ``method``."""

    account_id: int
    posted_on: date
    amount: int
    source_ref: str
    description: str = ""
    period_start: date | None = None
    period_end: date | None = None


def post_received(
    received: list[Received], *, method: str, source: str, batch_id: int | None
) -> int:
    """Post the payments of one import (a benefit schedule, a cash channel's file) as ledger
    payments of its source, each keyed by its own reference, so a file imported again posts
    nothing; inside the import's transaction and batch, audited by the import's own record.
    How many were new.

    Written with COPY (PostgreSQL) or one executemany (SQLite) after one look-up of the
    references already posted: Django's bulk_create spent 1.9 s on 11,872 Housing Benefit
    lines into a ledger of 38 million rows, most of it preparing values (docs/performance.md).
    """
    wanted: dict[str, Received] = {}
    for r in received:
        if r.amount > 0:
            wanted.setdefault(r.source_ref, r)
    if not wanted:
        return 0
    table = Transaction._meta.db_table
    refs = list(wanted)
    with connection.cursor() as cur:
        for k in range(0, len(refs), 5000):
            chunk = refs[k : k + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT source_ref FROM {table} WHERE source = %s AND source_ref IN ({marks})",
                [source, *chunk],
            )
            for (ref,) in cur.fetchall():
                wanted.pop(ref, None)
    rows = list(wanted.values())
    if not rows:
        return 0
    frame = pl.DataFrame(
        {
            "account_id": [r.account_id for r in rows],
            "posted_on": [r.posted_on for r in rows],
            "kind": [Kind.PAYMENT.value] * len(rows),
            "method": [method] * len(rows),
            "amount": [-r.amount for r in rows],
            "charge_code": [""] * len(rows),
            "period_start": [r.period_start for r in rows],
            "period_end": [r.period_end for r in rows],
            "reverses_ref": [""] * len(rows),
            "description": [r.description[:100] for r in rows],
            "source": [source] * len(rows),
            "source_ref": [r.source_ref for r in rows],
            "batch_id": [batch_id] * len(rows),
        },
        schema={
            "account_id": pl.Int64, "posted_on": pl.Date, "kind": pl.String,
            "method": pl.String, "amount": pl.Int64, "charge_code": pl.String,
            "period_start": pl.Date, "period_end": pl.Date, "reverses_ref": pl.String,
            "description": pl.String, "source": pl.String, "source_ref": pl.String,
            "batch_id": pl.Int64,
        },
    )  # fmt: skip
    bulk_insert(table, frame.columns, frame)
    return len(rows)
