"""The ledger summary (ledger/summary.py) of a first load, summed while its rows stream past.

A first load into an empty ledger (the loader's ``bulk``) posts every row in the table, so
the summary of the ledger is the summary of the rows posted. Folding them in afterwards with
SQL re-reads tens of millions of rows (about 120 s on PostgreSQL for 38 million, a third of
the import); summing each batch in Polars as it is posted costs a fraction of a second per
million rows, and the summary is written inside the import's own transaction, so it commits
or rolls back with the rows.

It is only written if the ids of the posted rows are exactly one unbroken range (nothing else
was posted beside the load) and the summary was empty; otherwise the import's usual refresh
folds the rows in with SQL, which is always right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from django.db import connection
from django.utils import timezone

from rentbook.imports.loaders import fetch_by_refs, loader
from rentbook.imports.reading import LINE
from rentbook.ledger.models import (
    BENEFIT_METHODS,
    AccountCredit,
    AccountMonth,
    AccountTotal,
    Kind,
    LedgerSummary,
    Transaction,
)
from rentbook.ledger.summary import KIND_COLUMNS, STREAM_METHODS, SUM_COLUMNS, fill_charged

if TYPE_CHECKING:  # it imports this module's sums
    from rentbook.imports.first_checkpoint import FirstLoadCheckpoint

TXN = Transaction._meta.db_table
MONTH_COLUMNS = ("account_id", "month", "first_on", "last_on", *SUM_COLUMNS)
CREDIT_COLUMNS = (
    "account_id",
    "method",
    "posted_on",
    "amount",
    "period_start",
    "period_end",
    "source_ref",
    LINE,
)
#: Partial sums are merged once this many have gathered, to bound memory.
MERGE_EVERY = 8


def rent_month(posted_on: pl.Expr) -> pl.Expr:
    """The rent month of a date (the first of the month of its week's Monday), in Polars."""
    return posted_on.dt.truncate("1w").dt.month_start()


def month_sums(rows: pl.DataFrame) -> pl.DataFrame:
    """Posted rows summed by account and rent month, as :class:`AccountMonth` holds them."""
    amount, kind = pl.col("amount"), pl.col("kind")
    is_benefit = (kind == Kind.PAYMENT.value) & pl.col("method").is_in(sorted(BENEFIT_METHODS))
    is_returned = (kind == Kind.REVERSAL.value) & (pl.col("method") != "")
    return (
        rows.lazy()
        .group_by("account_id", rent_month(pl.col("posted_on")).alias("month"))
        .agg(
            pl.col("posted_on").min().alias("first_on"),
            pl.col("posted_on").max().alias("last_on"),
            *(pl.when(kind == k).then(amount).otherwise(0).sum().alias(k) for k in KIND_COLUMNS),
            pl.when(is_benefit).then(amount).otherwise(0).sum().alias("benefit"),
            pl.when(is_returned).then(amount).otherwise(0).sum().alias("returned"),
        )
        .select(MONTH_COLUMNS)
        .collect()
    )


def merge_months(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Partial month sums of the same rows' batches, added together."""
    return (
        pl.concat(parts)
        .lazy()
        .group_by("account_id", "month")
        .agg(
            pl.col("first_on").min(),
            pl.col("last_on").max(),
            *(pl.col(c).sum() for c in SUM_COLUMNS),
        )
        .select(MONTH_COLUMNS)
        .collect()
    )


def last_credits(rows: pl.DataFrame) -> pl.DataFrame:
    """Per account and stream, its last credit: the latest date, then the latest line (in a
    first load ids are given in the file's order, so the latest line is the highest id)."""
    return (
        rows.lazy()
        .filter(
            (pl.col("kind") == Kind.PAYMENT.value) & pl.col("method").is_in(list(STREAM_METHODS))
        )
        .select(CREDIT_COLUMNS)
        .sort("posted_on", LINE)
        .group_by("account_id", "method")
        .last()
        .collect()
    )


class FirstLoadSummary:
    """Sums the rows a first load posts; :meth:`write` stores them as the ledger summary,
    and as the arrears run's first checkpoint if given one to sum."""

    def __init__(self, checkpoint: FirstLoadCheckpoint | None = None) -> None:
        self._months: list[pl.DataFrame] = []
        self._credits: list[pl.DataFrame] = []
        self.rows = 0
        self.checkpoint = checkpoint

    def add(self, rows: pl.DataFrame) -> None:
        """Sum one posted batch (every row of it was inserted)."""
        if rows.height == 0:
            return
        self.rows += rows.height
        if self.checkpoint is not None:
            self.checkpoint.add(rows)
        self._months.append(month_sums(rows))
        self._credits.append(last_credits(rows))
        if len(self._months) >= MERGE_EVERY:
            self._months = [merge_months(self._months)]
            self._credits = [last_credits_of(self._credits)]

    def write(self, source: str) -> bool:
        """Store the sums as the summary, if they are the whole ledger and it had none; say
        whether they were stored (if not, the import's SQL refresh folds the rows in)."""
        state, _ = LedgerSummary.objects.select_for_update().get_or_create(pk=1)
        with connection.cursor() as cur:
            # one aggregate a query: SQLite reads MIN and MAX off the key only when alone,
            # and scanned 38 million rows for both together
            cur.execute(f"SELECT (SELECT MIN(id) FROM {TXN}), (SELECT MAX(id) FROM {TXN})")
            low, high = cur.fetchone()
        if (
            self.rows == 0
            or state.through_id != 0
            or high - low + 1 != self.rows
            or AccountMonth.objects.exists()
            or AccountTotal.objects.exists()
            or AccountCredit.objects.exists()
        ):
            return False
        months = merge_months(self._months).sort("month", "account_id")
        self._months = []
        totals = months.group_by("account_id").agg(
            pl.sum_horizontal(*KIND_COLUMNS).sum().alias("balance")
        )
        _write(AccountMonth._meta.db_table, months, ("month", "account_id"))
        _write(AccountTotal._meta.db_table, totals.sort("account_id"), ("account_id",))
        credits = last_credits_of(self._credits)
        self._credits = []
        refs = set(credits.get_column("source_ref").to_list())
        if self.checkpoint is not None:
            refs.update(self.checkpoint.credit_refs())
        ids = fetch_by_refs(TXN, source, sorted(refs), {"source_ref": pl.String, "id": pl.Int64})
        _write(AccountCredit._meta.db_table, _with_ids(credits, ids), ("account_id", "method"))
        with connection.cursor() as cur:
            fill_charged(cur, high)
        state.through_id = high
        state.made_at = timezone.now()
        state.save()
        if self.checkpoint is not None:
            self.checkpoint.write(ids, high)
        return True


def last_credits_of(parts: list[pl.DataFrame]) -> pl.DataFrame:
    return (
        pl.concat(parts)
        .lazy()
        .sort("posted_on", LINE)
        .group_by("account_id", "method")
        .last()
        .select(CREDIT_COLUMNS)
        .collect()
    )


def _with_ids(credits: pl.DataFrame, ids: pl.DataFrame) -> pl.DataFrame:
    """The credits with their transactions' ids (``ids``: by reference) and no charges yet."""
    return (
        credits.join(ids.rename({"id": "txn_id"}), on="source_ref", how="inner")
        .with_columns(charged=pl.lit(None, dtype=pl.Int64))
        .select(
            "account_id",
            "method",
            "txn_id",
            "posted_on",
            "amount",
            "period_start",
            "period_end",
            "charged",
        )
        .sort("account_id", "method")
    )


def _write(table: str, frame: pl.DataFrame, key: tuple[str, ...]) -> None:
    # On PostgreSQL the tables keep their indexes: dropping them would take exclusive locks
    # after the ledger's, the reverse of the indicators' order (summary, then ledger), and
    # a reader waiting on the ledger would deadlock the load. Plain COPY takes a lock that
    # readers do not conflict with. SQLite locks the whole database, so it stages as usual.
    bulk = connection.vendor == "sqlite"
    with loader(table, frame.columns, key, bulk_if_empty=bulk) as out:
        out.insert(frame)
