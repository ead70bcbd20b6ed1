"""Matching a revenues customer to a tenant: the same person in the housing system and the
council tax system is suggested for a person to confirm, never merged on a guess.

A suggestion needs the same date of birth and surname; its evidence says what else agrees
(first name, postcode). A customer given with a tenancy reference is linked by the import
itself and needs no suggestion. Plain functions over frames; the review itself is
:func:`decide` (audited).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from rentbook.audit.services import record
from rentbook.debts.models import Customer, CustomerMatch
from rentbook.imports.loaders import fetch_frame
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Property, Tenancy, Tenant


def _words(name: pl.Expr) -> pl.Expr:
    return name.str.to_uppercase().str.replace_all(r"[^A-Z ]", "").str.split(" ")


def candidates(customers: pl.DataFrame, tenants: pl.DataFrame) -> pl.DataFrame:
    """(customer_id, account_id, evidence) for each customer (id, name, date_of_birth,
    postcode) and tenant (account_id, first_name, last_name, date_of_birth, postcode) with
    the same date of birth and surname."""
    c = (
        customers.filter(pl.col("date_of_birth").is_not_null())
        .with_columns(words=_words(pl.col("name")))
        .with_columns(
            surname=pl.col("words").list.last(),
            first=pl.col("words").list.first(),
            cpost=pl.col("postcode").str.to_uppercase().str.replace_all(" ", ""),
        )
    )
    t = tenants.with_columns(
        surname=pl.col("last_name").str.to_uppercase().str.replace_all(r"[^A-Z]", ""),
        tfirst=pl.col("first_name").str.to_uppercase().str.replace_all(r"[^A-Z]", ""),
        tpost=pl.col("postcode").str.to_uppercase().str.replace_all(" ", ""),
    )
    pairs = c.join(t, on=["date_of_birth", "surname"], how="inner")
    evidence = pl.concat_str(
        pl.lit("date of birth and surname"),
        pl.when(pl.col("first") == pl.col("tfirst"))
        .then(pl.lit(", first name"))
        .otherwise(pl.lit("")),
        pl.when(pl.col("cpost") == pl.col("tpost"))
        .then(pl.lit(", postcode"))
        .otherwise(pl.lit("")),
    )
    return pairs.select(
        pl.col("id").alias("customer_id"), "account_id", evidence.alias("evidence")
    ).unique(["customer_id", "account_id"], maintain_order=True)


def suggest_matches(customer_ids: list[int]) -> int:
    """Record a review-queue entry for each tenant the customers may be; their number."""
    if not customer_ids:
        return 0
    ids = ", ".join(str(int(i)) for i in customer_ids)
    customers = fetch_frame(
        f"SELECT id, name, date_of_birth, postcode FROM {Customer._meta.db_table}"
        f" WHERE id IN ({ids}) AND kind = 'person' AND account_id IS NULL",
        [],
        {"id": pl.Int64, "name": pl.String, "date_of_birth": pl.Date, "postcode": pl.String},
    )
    if not customers.height:
        return 0
    tenants = fetch_frame(
        f"SELECT a.id, p.first_name, p.last_name, p.date_of_birth, pr.postcode"
        f" FROM {Tenant._meta.db_table} p JOIN {Tenancy._meta.db_table} t ON t.id = p.tenancy_id"
        f" JOIN {Property._meta.db_table} pr ON pr.id = t.property_id"
        f" JOIN {Account._meta.db_table} a ON a.tenancy_id = t.id AND NOT a.former"
        " WHERE p.date_of_birth IS NOT NULL",
        [],
        {"account_id": pl.Int64, "first_name": pl.String, "last_name": pl.String,
         "date_of_birth": pl.Date, "postcode": pl.String},
    )  # fmt: skip
    found = candidates(customers, tenants)
    made = CustomerMatch.objects.bulk_create(
        [CustomerMatch(customer_id=c, account_id=a, evidence=e) for c, a, e in found.iter_rows()],
        ignore_conflicts=True,
    )
    return len(made)


class MatchError(ValueError):
    pass


def decide(match: CustomerMatch, same: bool, *, by: Any) -> None:
    """A person's answer: the same person (the customer is linked to the tenancy's account,
    and the customer's other suggestions are closed) or not (the suggestion is closed)."""
    with transaction.atomic():
        m = CustomerMatch.objects.select_for_update().select_related("customer").get(pk=match.pk)
        if m.status != CustomerMatch.Status.PENDING:
            raise MatchError("this match has been decided already")
        customer = m.customer
        if same and customer.account_id is not None and customer.account_id != m.account_id:
            raise MatchError("the customer is linked to another tenancy already")
        m.status = CustomerMatch.Status.CONFIRMED if same else CustomerMatch.Status.REJECTED
        m.decided_by, m.decided_at = by, timezone.now()
        m.save()
        if same:
            Customer.objects.filter(pk=customer.pk).update(account_id=m.account_id)
            customer.matches.filter(status=CustomerMatch.Status.PENDING).exclude(pk=m.pk).update(
                status=CustomerMatch.Status.REJECTED, decided_by=by, decided_at=timezone.now()
            )
        record(
            "debts.match_confirmed" if same else "debts.match_rejected",
            object_type="debts.Customer",
            object_id=str(customer.pk),
            summary=f"{customer.name} {'is' if same else 'is not'} the tenant of account "
            f"{m.account_id} ({m.evidence})",
            after={"account_id": m.account_id, "same": same},
            actor=by,
        )
