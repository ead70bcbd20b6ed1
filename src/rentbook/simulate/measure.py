"""Measure a simulated landlord from its files, the way the calibration figures are defined.

Balances come from the files alone (the sum of a tenancy's amounts in the transactions file
and the payments of the money-in files: money_in.py), so these numbers check the files an import
would load, not the simulator's internal state. A channel payment whose reference was mistyped
counts for the tenancy it names: the tenant paid, and the landlord holds it in suspense. A
managed payment the DWP has not yet paid does not count, nor do the ARUDD returns (money back).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

PENCE = pl.col("amount").cast(pl.Decimal(20, 2)) * 100


def _read(out: Path) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame]:
    tenancies = pl.scan_csv(out / "tenancies.csv", try_parse_dates=True)
    charges = pl.scan_csv(out / "charges.csv", try_parse_dates=True)
    transactions = pl.scan_csv(
        out / "transactions.csv",
        schema_overrides={"amount": pl.String, "posted_on": pl.Date},
        infer_schema_length=0,
    ).with_columns(pence=pl.col("amount").str.to_decimal(scale=2).mul(100).cast(pl.Int64))
    return tenancies, charges, transactions


def _pence(column: str) -> pl.Expr:
    return pl.col(column).str.to_decimal(scale=2).mul(100).cast(pl.Int64)


def _money_in(out: Path) -> pl.DataFrame:
    """The money-in files' payments as (tenancy_ref, pence), negative as on the ledger."""

    def read(kind: str) -> pl.DataFrame | None:
        paths = sorted(out.glob(f"{kind}-*.csv"))
        return pl.concat([pl.read_csv(p, infer_schema=False) for p in paths]) if paths else None

    parts = []
    cash = read("cash_payments")
    if cash is not None:
        given = pl.coalesce(pl.col("reference").fill_null("").replace("", None), "payer")
        named = given.str.extract(r"(T\d+)\w$")
        parts.append(cash.select(tenancy_ref=named, pence=-_pence("amount")))
    for kind, amount, paid in (
        ("hb_schedule", "amount", None),
        ("uc_schedule", "amount", "paid_on"),
        ("dhp_awards", "lump_sum", None),
    ):
        rows = read(kind)
        if rows is not None:
            if paid:
                rows = rows.filter(pl.col(paid).is_not_null())
            parts.append(rows.select("tenancy_ref", pence=-_pence(amount)))
    schema = {"tenancy_ref": pl.String, "pence": pl.Int64}
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def measure(out: Path, end: date) -> dict[str, float]:
    """The landlord's vital statistics at ``end``, as fractions (not percentages)."""
    tenancies, charges, transactions = _read(out)
    lead = tenancies.filter(pl.col("person_no") == 1).collect()
    entries = pl.concat([transactions.select("tenancy_ref", "pence").collect(), _money_in(out)])
    balances = entries.group_by("tenancy_ref").agg(balance=pl.col("pence").sum())
    year_ago = end - timedelta(days=364)
    debit = (
        transactions.filter((pl.col("kind") == "charge") & (pl.col("posted_on") >= year_ago))
        .select(pl.col("pence").sum())
        .collect()
        .item()
    )
    # The weekly charge in force at the end: the open-ended charge lines of each tenancy.
    weekly = (
        charges.filter(pl.col("effective_to").is_null())
        .with_columns(
            pence=pl.col("weekly_amount")
            .cast(pl.String)
            .str.to_decimal(scale=2)
            .mul(100)
            .cast(pl.Int64)
        )
        .group_by("tenancy_ref")
        .agg(weekly=pl.col("pence").sum())
        .collect()
    )
    accounts = (
        lead.join(balances, on="tenancy_ref", how="left")
        .join(weekly, on="tenancy_ref", how="left")
        .with_columns(pl.col("balance").fill_null(0), current=pl.col("end_date").is_null())
    )
    current = accounts.filter("current")
    former = accounts.filter(~pl.col("current"))
    arrears = current.filter(pl.col("balance") > 0)
    on_uc = current.filter(pl.col("benefit").str.starts_with("universal_credit"))
    off_uc = current.filter(~pl.col("benefit").str.starts_with("universal_credit"))
    homes = lead.select(pl.col("property_ref").n_unique()).item()
    start = lead.select(pl.col("start_date").min()).item()
    history_start = transactions.select(pl.col("posted_on").min()).collect().item()
    years = (end - history_start).days / 365.25
    ended = former.filter(pl.col("end_date") >= history_start).height
    relets = (
        lead.sort("property_ref", "start_date")
        .with_columns(prev_end=pl.col("end_date").shift(1).over("property_ref"))
        .filter(pl.col("prev_end").is_not_null())
        .select(days=(pl.col("start_date") - pl.col("prev_end")).dt.total_days() - 1)
    )
    methods = current.filter(
        ~pl.col("payment_method").is_in(["housing_benefit", "universal_credit"])
    )["payment_method"]
    kinds = transactions.group_by("kind").agg(pl.len()).collect()
    del start
    return {
        "current_tenancies": current.height,
        "share_in_arrears": arrears.height / current.height,
        "share_13_weeks": current.filter(pl.col("balance") >= 13 * pl.col("weekly")).height
        / current.height,
        "arrears_pct_of_debit": arrears["balance"].sum() / debit,
        "mean_arrears_pounds": arrears["balance"].mean() / 100 if arrears.height else 0.0,
        "uc_share": on_uc.height / current.height,
        "hb_share": current.filter(pl.col("benefit") == "housing_benefit").height / current.height,
        "uc_in_arrears": on_uc.filter(pl.col("balance") > 0).height / max(on_uc.height, 1),
        "others_in_arrears": off_uc.filter(pl.col("balance") > 0).height / max(off_uc.height, 1),
        "former_arrears_pct_of_debit": former.filter(pl.col("balance") > 0)["balance"].sum()
        / debit,
        "turnover_per_year": ended / homes / years,
        "median_relet_days": float(relets["days"].median() or 0),
        "direct_debit_share": (methods == "direct_debit").mean() or 0.0,
        "cash_card_share": methods.is_in(["allpay", "paypoint", "post_office"]).mean() or 0.0,
        "joint_share": tenancies.filter(pl.col("person_no") == 2).collect().height / lead.height,
        "transactions": int(kinds["len"].sum()),
        "homes": homes,
    }
