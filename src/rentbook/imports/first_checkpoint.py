"""The arrears run's first checkpoint (ledger/positions.py) of a first load, summed while its
rows stream past.

After a first load the import makes a checkpoint at the end of last rent week, and with no
earlier one it reads the whole ledger to do so: about 23 s of a 38-million-row load on
PostgreSQL, a minute on SQLite. Every row of a first load passes through Polars on its way
in, so each batch is summed as it goes (balances, last payments, each stream's last credit,
the look-back weeks and days) and the checkpoint is written from those sums inside the
import's transaction. :class:`~rentbook.imports.first_summary.FirstLoadSummary` decides
whether the sums are the whole ledger; if they are not, the import's usual refresh reads the
ledger instead, which is always right. The charges since each stream's last credit are still
summed by SQL through the (account, posted_on) index: a few rows per account.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import polars as pl

from rentbook.imports.first_summary import last_credits, last_credits_of
from rentbook.ledger.models import BENEFIT_METHODS, Checkpoint, Kind, Transaction
from rentbook.ledger.positions import (
    BALANCE_SCHEMA,
    CHARGED_COLUMNS,
    CREDIT_SCHEMA,
    DAY_SCHEMA,
    LOOK_BACK_COLUMNS,
    LOOK_BACK_WEEKS,
    STREAMS,
    WEEK_SCHEMA,
    checkpoint_frame,
    fold,
    look_back_start,
    read_first_id_after,
    store_checkpoint,
)

TXN = Transaction._meta.db_table
#: The columns of a last credit as summed (imports.first_summary.last_credits), by type.
CREDIT_SCHEMA_IN = {
    "account_id": pl.Int64(),
    "method": pl.String(),
    "posted_on": pl.Date(),
    "amount": pl.Int64(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
}
#: Partial sums are merged once this many have gathered, to bound memory.
MERGE_EVERY = 8


class FirstLoadCheckpoint:
    """Sums the rows a first load posts for the checkpoint at ``as_at`` (a Sunday)."""

    def __init__(self, as_at: date) -> None:
        self.as_at = as_at
        self.first_week, self.first_day = look_back_start(as_at)
        self.monday = as_at + timedelta(days=1)
        self.any_after = False
        self._balances: list[pl.DataFrame] = []
        self._credits: list[pl.DataFrame] = []
        self._weeks: list[pl.DataFrame] = []
        self._days: list[pl.DataFrame] = []

    def add(self, rows: pl.DataFrame) -> None:
        """Sum one posted batch (rows in posting order, every one of them inserted)."""
        upto = rows.filter(pl.col("posted_on") <= self.as_at)
        self.any_after = self.any_after or upto.height < rows.height
        if upto.height == 0:
            return
        self._balances.append(balances(upto))
        self._credits.append(last_credits(upto))
        recent = upto.filter(pl.col("posted_on") >= self.first_week)
        self._weeks.append(week_sums(recent, self.monday))
        self._days.append(day_sums(recent, self.first_day))
        if len(self._balances) >= MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        self._balances = [merge_balances(self._balances)]
        self._credits = [self._last_credits()]
        self._weeks = [_sum_by(self._weeks, ("account_id", "week"), WEEK_SCHEMA)]
        self._days = [_sum_by(self._days, ("account_id", "day"), DAY_SCHEMA)]

    def write(self, credit_ids: pl.DataFrame, through_id: int) -> Checkpoint | None:
        """Store the checkpoint; ``credit_ids``: the ledger ids of the rows by ``source_ref``
        (at least of every last credit). None, and nothing stored, if a checkpoint already
        holds rows (the ledger was not empty before this load)."""
        if Checkpoint.objects.filter(through_id__gt=0).exists():
            return None
        clock = time.perf_counter()
        credits = (
            self._last_credits()
            .join(credit_ids, on="source_ref", how="inner")
            .select(
                "account_id",
                pl.col("method").replace_strict({m: s for s, m in STREAMS.items()}).alias("stream"),
                pl.col("posted_on").alias("on"),
                "id",
                (-pl.col("amount")).alias("amount"),
                pl.col("period_start").alias("start"),
                pl.col("period_end").alias("end"),
            )
            .cast(CREDIT_SCHEMA)  # type: ignore[arg-type]
        )
        base = checkpoint_frame(None).drop(*LOOK_BACK_COLUMNS, *CHARGED_COLUMNS)
        folded = fold(base, merge_balances(self._balances), credits)
        weeks = _sum_by(self._weeks, ("account_id", "week"), WEEK_SCHEMA)
        days = _sum_by(self._days, ("account_id", "day"), DAY_SCHEMA)
        # a row dated after the checkpoint is the one place its id is needed: read it then
        first_after = read_first_id_after(self.as_at, through_id) if self.any_after else None
        return store_checkpoint(self.as_at, through_id, first_after, folded, weeks, days, clock)

    def _last_credits(self) -> pl.DataFrame:
        if not self._credits:  # no row on or before the checkpoint's date
            return pl.DataFrame(schema={**CREDIT_SCHEMA_IN, "source_ref": pl.String})
        return last_credits_of(self._credits)

    def credit_refs(self) -> list[str]:
        """The references of the last credits, whose ledger ids the checkpoint holds."""
        return self._last_credits().get_column("source_ref").to_list()


def balances(rows: pl.DataFrame) -> pl.DataFrame:
    """Per account: the sum of the rows and the date of the last payment among them."""
    is_payment = pl.col("kind") == Kind.PAYMENT.value
    return rows.group_by("account_id").agg(
        pl.col("amount").sum().alias("balance"),
        pl.col("posted_on").filter(is_payment).max().alias("last_payment_on"),
    )


def merge_balances(parts: list[pl.DataFrame]) -> pl.DataFrame:
    if not parts:
        return pl.DataFrame(schema=BALANCE_SCHEMA)
    return (
        pl.concat(parts)
        .group_by("account_id")
        .agg(pl.col("balance").sum(), pl.col("last_payment_on").max())
        .cast(BALANCE_SCHEMA)  # type: ignore[arg-type]
    )


def week_sums(rows: pl.DataFrame, monday: date) -> pl.DataFrame:
    """Sums by account and look-back week (0 the oldest), as the checkpoint's SQL reads them:
    charges, what the tenant paid (payments other than benefits), and everything."""
    kind, amount = pl.col("kind"), pl.col("amount")
    tenant_paid = (kind == Kind.PAYMENT.value) & ~pl.col("method").is_in(sorted(BENEFIT_METHODS))
    days = (pl.col("posted_on") - pl.lit(monday)).dt.total_days()
    return (
        rows.group_by("account_id", (days.floordiv(7) + LOOK_BACK_WEEKS).alias("week"))
        .agg(
            pl.when(kind == Kind.CHARGE.value).then(amount).otherwise(0).sum().alias("charged"),
            pl.when(tenant_paid).then(-amount).otherwise(0).sum().alias("tenant_paid"),
            amount.sum().alias("net"),
        )
        .cast(WEEK_SCHEMA)  # type: ignore[arg-type]
    )


def day_sums(rows: pl.DataFrame, first_day: date) -> pl.DataFrame:
    """Sums by account and day of the trend (0 the oldest)."""
    recent = rows.filter(pl.col("posted_on") >= first_day)
    day = (pl.col("posted_on") - pl.lit(first_day)).dt.total_days().alias("day")
    return (
        recent.group_by("account_id", day).agg(pl.col("amount").sum().alias("net")).cast(DAY_SCHEMA)  # type: ignore[arg-type]
    )


def _sum_by(
    parts: list[pl.DataFrame], keys: tuple[str, ...], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    if not parts:
        return pl.DataFrame(schema=schema)
    values = [c for c in schema if c not in keys]
    return (
        pl.concat(parts)
        .group_by(*keys)
        .agg(pl.col(v).sum() for v in values)
        .select(list(schema))
        .cast(schema)  # type: ignore[arg-type]
    )
