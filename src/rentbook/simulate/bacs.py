"""The simulated landlord's Direct Debit side, as the files a real one receives: a mandate for
every tenancy that pays by Direct Debit, and the ARUDD reports (Bacs XML) of the direct debits
returned in the last days before the simulation's end, in place of those returns' rows in
transactions.csv (the import door then reverses them, as it would a real report's).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

#: Returns reported this many days before the end (and on it) come as ARUDD files.
REPORTED_DAYS = 14
#: ARUDD reason codes as they come (most are "refer to payer").
REASONS = ("0", "0", "0", "0", "0", "0", "1", "B", "6", "0")

MANDATE_COLUMNS = [
    "dd_reference", "tenancy_ref", "payer_name", "sort_code", "account_number", "frequency",
    "collection_day", "amount", "first_collection", "status",
]  # fmt: skip


def _day(column: str) -> pl.Expr:
    """A date column, whether the frame holds it as a date or as YYYY-MM-DD text."""
    return pl.col(column).cast(pl.String).str.to_date("%Y-%m-%d")


def mandate_ref(tenancy: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("RB"), tenancy.str.replace_all(r"[^0-9A-Z]", ""))


def mandates(tenancies: pl.DataFrame, transactions: pl.DataFrame) -> pl.DataFrame:
    """One weekly mandate per Direct Debit tenancy, from its first collection."""
    first = (
        transactions.filter((pl.col("kind") == "payment") & (pl.col("method") == "direct_debit"))
        .with_columns(posted_on=_day("posted_on"))
        .sort("posted_on")
        .group_by("tenancy_ref")
        .agg(pl.col("posted_on").first(), pl.col("amount").first())
    )
    payers = tenancies.filter(
        (pl.col("payment_method") == "direct_debit") & (pl.col("person_no").cast(pl.Int64) == 1)
    ).select("tenancy_ref", "first_name", "last_name", "end_date")
    digits = pl.col("tenancy_ref").str.replace_all(r"[^0-9]", "").str.zfill(8)
    return payers.join(first, on="tenancy_ref", how="inner").select(
        mandate_ref(pl.col("tenancy_ref")).alias("dd_reference"),
        "tenancy_ref",
        pl.concat_str("first_name", pl.lit(" "), "last_name").str.slice(0, 18).alias("payer_name"),
        pl.concat_str(pl.lit("40"), digits.str.slice(-4)).alias("sort_code"),
        digits.str.slice(-8).alias("account_number"),
        pl.lit("weekly").alias("frequency"),
        (pl.col("posted_on").dt.weekday() - 1).cast(pl.String).alias("collection_day"),
        pl.col("amount").cast(pl.String).str.strip_prefix("-").alias("amount"),
        pl.col("posted_on").cast(pl.String).alias("first_collection"),
        pl.when(pl.col("end_date").is_null())
        .then(pl.lit("live"))
        .otherwise(pl.lit("cancelled"))
        .alias("status"),
    )


def split_returns(transactions: pl.DataFrame, end: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the transactions without the returns reported in the last REPORTED_DAYS, those returns
    as ARUDD items: tenancy_ref, reported_on, original_on, amount)."""
    posted = _day("posted_on")
    recent = (
        (pl.col("kind") == "reversal")
        & (pl.col("description") == "Direct debit returned unpaid")
        & (posted > end - timedelta(days=REPORTED_DAYS))
        & (posted <= end)
    )
    returns = transactions.filter(recent)
    paid = transactions.select(
        pl.col("transaction_ref").alias("reverses"), posted.alias("original_on")
    )
    items = returns.join(paid, on="reverses", how="inner").select(
        "tenancy_ref",
        posted.alias("reported_on"),
        "original_on",
        pl.col("amount").cast(pl.String),
    )
    return transactions.filter(~recent), items


def write_arudd(out: Path, items: pl.DataFrame) -> list[Path]:
    """One ARUDD report per day, named for the door (bacs_arudd-YYYY-MM-DD.xml)."""
    paths = []
    refs = items.with_columns(dd=mandate_ref(pl.col("tenancy_ref")))
    for (day,), part in refs.sort("reported_on", "tenancy_ref").group_by(
        "reported_on", maintain_order=True
    ):
        body = "\n".join(
            f'          <ReturnedDebitItem ref="{r["dd"]}" transCode="17"'
            f' returnCode="{REASONS[k % len(REASONS)]}"'
            f' originalProcessingDate="{r["original_on"]}" valueOf="{r["amount"]}"'
            ' currency="GBP"><PayerAccount ref="{0}"/></ReturnedDebitItem>'.replace("{0}", r["dd"])
            for k, r in enumerate(part.iter_rows(named=True))
        )
        path = out / f"bacs_arudd-{day}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<BACSDocument>\n  <Data>\n    <ARUDD>\n'
            f'      <Header reportType="REFT1027" currentProcessingDate="{day}"/>\n'
            "      <Advice><OriginatingAccountRecords><OriginatingAccountRecord>\n"
            f"{body}\n"
            "      </OriginatingAccountRecord></OriginatingAccountRecords></Advice>\n"
            "    </ARUDD>\n  </Data>\n</BACSDocument>\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths
