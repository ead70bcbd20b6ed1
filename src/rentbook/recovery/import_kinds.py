"""Write-offs a housing system holds, with their reason, approval and ledger entry, and former
tenant debts placed with recovery agencies, as import kinds of the one door
(imports/declared.py; docs/imports.md).

The money itself is the transactions file's: a ``write_off`` entry on the account. The write-off
record is the approval trail the committee report and the recovery pages read: why, at what
level, by whom and when; ``transaction_ref`` ties it to its entry.
"""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from rentbook.imports.declared import Field, Kind, Prepared, register
from rentbook.imports.loaders import fetch_by_refs, fetch_frame
from rentbook.imports.run import Run
from rentbook.ledger.models import Transaction
from rentbook.recovery import rules
from rentbook.recovery.models import AgencyReferral, FormerTenantAccount, WriteOff
from rentbook.recovery.services import limits, open_all_former


def _prepare(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    c.where("amount", rows["amount"] <= 0, "a write-off must be more than £0")
    lim = limits()
    levels = [
        rules.level(a or 0, r or "", lim)
        for a, r in zip(rows["amount"], rows["reason"], strict=True)
    ]
    c.where(
        "reason",
        (rows["reason"] == WriteOff.Reason.SMALL_BALANCE.value) & (rows["amount"] > lim.small),
        f"a small balance is £{lim.small / 100:.2f} or less",
    )
    rows = rows.with_columns(
        proposed_on=pl.col("proposed_on").fill_null(pl.col("decided_on")),
        level=pl.col("level").fill_null(pl.Series(levels, dtype=pl.String)),
    )
    c.where("proposed_on", rows["proposed_on"] > rows["decided_on"], "after it was written off")
    # the ledger entry it names: a write_off of the same account and amount, same source
    refs = p.text["transaction_ref"]
    named = refs.drop_nulls().unique().to_list()
    entries = fetch_by_refs(
        Transaction._meta.db_table,
        p.run.source,
        named,
        {
            "id": pl.Int64(),
            "source_ref": pl.String(),
            "account_id": pl.Int64(),
            "kind": pl.String(),
            "amount": pl.Int64(),
        },
    )
    found = pl.DataFrame({"source_ref": refs}).join(
        entries, on="source_ref", how="left", maintain_order="left"
    )
    c.where(
        "transaction_ref",
        refs.is_not_null() & found["id"].is_null(),
        "no entry '{}' in the source's transactions (import transactions first)",
        refs,
    )
    mismatch = found["id"].is_not_null() & (
        (found["kind"] != "write_off")
        | (found["account_id"] != rows["account_id"])
        | (found["amount"] != -rows["amount"])
    )
    c.where(
        "transaction_ref",
        mismatch,
        "'{}' is not this account's write_off entry of this amount",
        refs,
    )
    return rows.with_columns(transaction_id=found["id"])


WRITE_OFFS = register(
    Kind(
        name="write_offs",
        model=WriteOff,
        key="write_off_ref",
        fields=(
            Field("amount", "money", required=True),
            Field(
                "reason",
                "choice",
                required=True,
                choices=tuple(WriteOff.Reason.values),
                aliases={
                    "small": "small_balance",
                    "died": "deceased",
                    "dead": "deceased",
                    "gone_away": "untraceable",
                    "bankrupt": "insolvency",
                    "bankruptcy": "insolvency",
                    "dro": "insolvency",
                    "sequestration": "insolvency",
                },
            ),
            Field("written_off_on", "date", required=True, db="decided_on"),
            Field("proposed_on", "date", help="default: the day it was written off"),
            Field("proposed_by", "text", max_length=100, db="proposed_by_name", default=""),
            Field("approved_by", "text", max_length=100, db="decided_by_name", default=""),
            Field(
                "level",
                "choice",
                choices=tuple(WriteOff.Level.values),
                help="default: the level its amount and reason need",
            ),
            Field("committee_ref", "text", max_length=60, default=""),
            Field("note", "text", default=""),
            Field("transaction_ref", "text", max_length=80, db=""),
        ),
        depends=("tenancies", "transactions"),
        derived=("transaction_id",),
        constants=lambda run: {"status": WriteOff.Status.APPROVED.value},
        prepare=_prepare,
        description="write-offs: reason, approval and their ledger entry",
    )
)


# ---- agency placements ----------------------------------------------------------------------


def _open_former_accounts(run: Run, raw: pl.DataFrame) -> None:
    """A placement is of a former tenant debt: first move the debt of every ended tenancy
    that owes to its former tenant account, as `rentbook former_tenants` does (idempotent)."""
    open_all_former(timezone.localtime(run.now).date())


def _claim_former_accounts(run: Run, raw: pl.DataFrame) -> None:
    """The former tenant accounts are rentbook's (opened from the ledger): open them, then
    give each one the file names its reference, so its row updates it (audited)."""
    _open_former_accounts(run, raw)
    if "former_ref" not in raw.columns or "tenancy_ref" not in raw.columns:
        return
    named = raw.select("former_ref", "tenancy_ref").drop_nulls().unique("tenancy_ref")
    by_tenancy = dict(named.select("tenancy_ref", "former_ref").iter_rows())
    taken = set(
        FormerTenantAccount.objects.filter(
            import_source=run.source, import_ref__in=list(by_tenancy.values())
        ).values_list("import_ref", flat=True)
    )
    unclaimed = FormerTenantAccount.objects.filter(
        import_ref__isnull=True, rent_account__tenancy__reference__in=list(by_tenancy)
    ).select_related("rent_account__tenancy")
    for fta in unclaimed:
        ref = by_tenancy[fta.rent_account.tenancy.reference]
        if ref in taken:
            continue
        FormerTenantAccount.objects.filter(pk=fta.pk).update(
            import_source=run.source, import_ref=ref
        )
        taken.add(ref)


def _prepare_former(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    for column in ("letter_sent_on", "reminder_sent_on", "replied_on"):
        p.checks.where(
            column,
            rows[column].is_not_null()
            & rows["_ended_on"].is_not_null()
            & (rows[column] < rows["_ended_on"]),
            "before the tenancy ended",
        )
    p.checks.where(
        "former_ref",
        rows["_known_as"].is_not_null()
        & (rows["_known_as"] != (f"{p.run.source}:" + rows["import_ref"])),
        "this tenancy's former tenant account is already known as '{}' (source:reference)",
        rows["_known_as"],
    )
    return rows.drop("_ended_on", "_known_as")


def _prepare_placements(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    c.where("amount", rows["amount"] <= 0, "a placement must be of more than £0")
    c.where("outcome_on", rows["outcome_on"] < rows["referred_on"], "before it was placed")
    former = fetch_frame(
        f"SELECT account_id, id FROM {FormerTenantAccount._meta.db_table}",
        [],
        {"account_id": pl.Int64(), "former_id": pl.Int64()},
    )
    return rows.join(former, on="account_id", how="left", maintain_order="left")


AGENCY_PLACEMENTS = register(
    Kind(
        name="agency_placements",
        model=AgencyReferral,
        key="placement_ref",
        fields=(
            Field("agency", "text", required=True, max_length=100),
            Field("referred_on", "date", required=True),
            Field("amount", "money", required=True),
            Field(
                "status",
                "choice",
                choices=tuple(AgencyReferral.Status.values),
                aliases={"placed": "referred", "paid": "collected", "untraced": "untraceable"},
                default=AgencyReferral.Status.REFERRED.value,
            ),
            Field("outcome_on", "date"),
            Field("note", "text", max_length=200, default=""),
        ),
        depends=("tenancies", "transactions"),
        former=True,
        owner="former_id",
        before=_open_former_accounts,
        prepare=_prepare_placements,
        description="former tenant debts placed with debt recovery agencies, and their outcome",
    )
)


def _ended(p: Prepared) -> pl.DataFrame:
    ended = fetch_frame(
        "SELECT account_id, ended_on, CASE WHEN import_ref IS NULL THEN NULL"
        " ELSE import_source || ':' || import_ref END"
        f" FROM {FormerTenantAccount._meta.db_table}",
        [],
        {"account_id": pl.Int64(), "_ended_on": pl.Date(), "_known_as": pl.String()},
    )
    rows = p.rows.join(ended, on="account_id", how="left", maintain_order="left")
    return _prepare_former(Prepared(rows, p.text, p.checks, p.run))


FORMER_TENANTS = register(
    Kind(
        name="former_tenants",
        model=FormerTenantAccount,
        key="former_ref",
        fields=(
            Field("forwarding_address", "text", default=""),
            Field(
                "tracing",
                "choice",
                choices=tuple(FormerTenantAccount.Tracing.values),
                aliases={"traced_ok": "traced", "not_traced": "untraceable", "none": "not_started"},
                default=FormerTenantAccount.Tracing.NOT_STARTED.value,
            ),
            Field("letter_sent_on", "date"),
            Field("reminder_sent_on", "date"),
            Field("replied_on", "date"),
        ),
        depends=("tenancies", "transactions"),
        former=True,
        before=_claim_former_accounts,
        prepare=_ended,
        description="former tenant accounts: forwarding address, tracing and letters",
    )
)
