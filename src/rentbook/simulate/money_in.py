"""The simulated landlord's money of the last days as the files a real one receives, in place
of those payments' rows in transactions.csv: the cash and card channels' and bank statement's
daily files (cash_payments), the Housing Benefit schedule, the DWP's schedule of Universal
Credit managed payments and the DHP awards. The door posts them, so the ledger ends where the
rows alone would have put it but for two things a real landlord also sees:

- a payment whose reference was mistyped is held in suspense, not posted (one in SUSPENSE_EVERY);
- the managed payments of the last LATE_DAYS are late: the schedule lists them as expected
  LATE_BY days after their usual day, not paid, so their claimants' arrears are technical.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from rentbook.banking.references import ALPHABET, check_character
from rentbook.simulate.bacs import REPORTED_DAYS, _day

CHANNELS = ("allpay", "paypoint", "post_office", "card", "standing_order", "bank_transfer")
#: Bank statement lines carry the reference in the payer's narrative, not a field of its own.
STATEMENT = ("standing_order", "bank_transfer")
#: One channel payment in this many has a mistyped reference (its check character is wrong).
SUSPENSE_EVERY = 97
#: Managed payments due in the last LATE_DAYS come LATE_BY days after their usual day.
LATE_DAYS = 10
LATE_BY = timedelta(days=7)
#: A managed payment follows its monthly assessment period by about a week.
UC_LAG = timedelta(days=7)
DHP_REASONS = ("bedroom_tax", "benefit_cap", "arrears", "lha_shortfall")

CASH_COLUMNS = ["payment_ref", "reference", "amount", "paid_at", "channel", "outlet", "payer"]
HB_COLUMNS = ["line_ref", "tenancy_ref", "claim_ref", "scheme", "period_start", "period_end",
              "paid_on", "amount"]  # fmt: skip
UC_COLUMNS = ["line_ref", "tenancy_ref", "claimant_ref", "period_start", "period_end",
              "expected_on", "paid_on", "amount"]  # fmt: skip
DHP_COLUMNS = ["award_ref", "tenancy_ref", "reason", "applied_on", "decision", "decided_on",
               "lump_sum", "paid_on"]  # fmt: skip
KINDS = ("cash_payments", "hb_schedule", "uc_schedule", "dhp_awards")


def _recent(end: date) -> pl.Expr:
    posted = _day("posted_on")
    return (
        (pl.col("kind") == "payment")
        & (posted > end - timedelta(days=REPORTED_DAYS))
        & (posted <= end)
    )


def _paid(column: str = "amount") -> pl.Expr:
    """A ledger payment's amount (negative text) as the positive amount a schedule gives."""
    return pl.col(column).cast(pl.String).str.strip_prefix("-")


def _digits(tenancy: str = "tenancy_ref") -> pl.Expr:
    return pl.col(tenancy).str.replace_all(r"[^0-9]", "")


def _mistyped(ref: str) -> str:
    """The reference with a wrong check character: what a payer who misreads it writes."""
    right = check_character(ref)
    return ref + ALPHABET[(ALPHABET.index(right) + 1) % len(ALPHABET)]


def split(
    transactions: pl.DataFrame, end: date, council: bool
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """(the transactions without the last days' channel, HB, UC and DHP payments, those
    payments as rows of each file kind: cash_payments, hb_schedule, uc_schedule, dhp_awards)."""
    method = pl.col("method")
    recent = _recent(end)
    take = recent & method.is_in([*CHANNELS, "housing_benefit", "universal_credit", "dhp"])
    moved = transactions.filter(take)
    return transactions.filter(~take), {
        "cash_payments": _cash(moved.filter(method.is_in(CHANNELS))),
        "hb_schedule": _hb(
            moved.filter(method == "housing_benefit"), "rebate" if council else "allowance"
        ),
        "uc_schedule": _uc(moved.filter(method == "universal_credit"), end),
        "dhp_awards": _dhp(moved.filter(method == "dhp")),
    }


def _cash(rows: pl.DataFrame) -> pl.DataFrame:
    refs = rows.get_column("tenancy_ref").to_list()
    keys = rows.get_column("transaction_ref").to_list()
    given = [
        _mistyped(r) if hash_of(k) % SUSPENSE_EVERY == 0 else r + check_character(r)
        for r, k in zip(refs, keys, strict=True)
    ]
    statement = pl.col("method").is_in(STATEMENT)
    # a time of day that varies by payment, so a day's file is not all at one minute
    minute = pl.Series([hash_of(k) % 600 for k in keys], dtype=pl.Int64)
    at = pl.col("posted_on").cast(pl.String).str.to_datetime("%Y-%m-%d") + pl.duration(
        hours=8, minutes=minute
    )
    return rows.with_columns(given=pl.Series(given, dtype=pl.String)).select(
        pl.col("transaction_ref").alias("payment_ref"),
        pl.when(statement).then(pl.lit("")).otherwise(pl.col("given")).alias("reference"),
        _paid().alias("amount"),
        at.dt.strftime("%Y-%m-%d %H:%M:%S").alias("paid_at"),
        pl.col("method").alias("channel"),
        pl.when(pl.col("method").is_in(["allpay", "paypoint", "post_office"]))
        .then(pl.concat_str(pl.lit("OUTLET "), _digits().str.slice(-3)))
        .otherwise(pl.lit(""))
        .alias("outlet"),
        pl.when(statement)
        .then(pl.concat_str(pl.lit("RENT "), pl.col("given")))
        .otherwise(pl.lit(""))
        .alias("payer"),
        _day("posted_on").alias("_on"),
    )


def hash_of(key: str) -> int:
    """A stable number for a reference (Python's hash() changes from run to run)."""
    n = 0
    for c in key:
        n = (n * 131 + ord(c)) % 1_000_000_007
    return n


def _uc(rows: pl.DataFrame, end: date) -> pl.DataFrame:
    on = _day("posted_on")
    late = on > end - timedelta(days=LATE_DAYS)
    period_end = on - UC_LAG
    return rows.select(
        pl.col("transaction_ref").alias("line_ref"),
        "tenancy_ref",
        pl.concat_str(pl.lit("UC"), _digits()).alias("claimant_ref"),
        period_end.dt.offset_by("-1mo").dt.offset_by("1d").alias("period_start"),
        period_end.alias("period_end"),
        pl.when(late).then(on + LATE_BY).otherwise(on).alias("expected_on"),
        pl.when(late).then(None).otherwise(on).alias("paid_on"),
        _paid().alias("amount"),
    )


def _dhp(rows: pl.DataFrame) -> pl.DataFrame:
    on = _day("posted_on")
    reason = pl.Series(
        [DHP_REASONS[hash_of(k) % len(DHP_REASONS)] for k in rows.get_column("transaction_ref")],
        dtype=pl.String,
    )
    return rows.with_columns(reason=reason).select(
        pl.col("transaction_ref").alias("award_ref"),
        "tenancy_ref",
        "reason",
        (on - timedelta(days=21)).alias("applied_on"),
        pl.lit("awarded").alias("decision"),
        (on - timedelta(days=7)).alias("decided_on"),
        _paid().alias("lump_sum"),
        on.alias("paid_on"),
    )


def _hb(rows: pl.DataFrame, scheme: str) -> pl.DataFrame:
    return rows.select(
        pl.col("transaction_ref").alias("line_ref"),
        "tenancy_ref",
        pl.concat_str(pl.lit("HB"), _digits()).alias("claim_ref"),
        pl.lit(scheme).alias("scheme"),
        "period_start",
        "period_end",
        _day("posted_on").alias("paid_on"),
        _paid().alias("amount"),
    )


def write(out: Path, parts: dict[str, list[pl.DataFrame]], end: date) -> list[Path]:
    """The files, named for the door: a cash_payments file and a Housing Benefit schedule per
    day, the DWP's schedule and the DHP awards as received on the last day."""
    paths: list[Path] = []

    def frame(kind: str) -> pl.DataFrame:
        return pl.concat(parts[kind]) if parts.get(kind) else pl.DataFrame()

    cash = frame("cash_payments")
    if cash.height:
        for (day,), part in cash.sort("_on", "payment_ref").group_by("_on", maintain_order=True):
            paths.append(_csv(out / f"cash_payments-{day}.csv", part.select(CASH_COLUMNS)))
    hb = frame("hb_schedule")
    if hb.height:
        for (day,), part in hb.sort("paid_on", "line_ref").group_by("paid_on", maintain_order=True):
            paths.append(_csv(out / f"hb_schedule-{day}.csv", part.select(HB_COLUMNS)))
    for kind, columns in (("uc_schedule", UC_COLUMNS), ("dhp_awards", DHP_COLUMNS)):
        rows = frame(kind)
        if rows.height:
            paths.append(_csv(out / f"{kind}-{end}.csv", rows.select(columns).sort(columns[0])))
    return paths


def _csv(path: Path, frame: pl.DataFrame) -> Path:
    frame.write_csv(path, date_format="%Y-%m-%d")
    return path
