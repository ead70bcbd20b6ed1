"""Importing ledger transactions: validate each batch vectorised, then bulk insert.

Batches stream through; everything is inside the caller's single database transaction. Rows
are posted as each batch is checked, except reversals, which wait until the end so that
they may reverse an entry anywhere in the file.

A reference repeated within the file is caught in two ways: inside a batch by Polars, and
across batches by a sorted array of 64-bit hashes of every reference posted so far (a few
hundred megabytes for fifty million rows, where a set of strings would take gigabytes). A
hash match is confirmed against the database before a row is called a duplicate.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

import numpy as np
import polars as pl

from rentbook.imports import parsing
from rentbook.imports.checks import PROBLEM_SCHEMA, Checks, good_rows
from rentbook.imports.first_checkpoint import FirstLoadCheckpoint
from rentbook.imports.first_summary import FirstLoadSummary
from rentbook.imports.loaders import Loader, fetch_by_refs, fetch_frame, loader
from rentbook.imports.reading import LINE, Columns, FileError, Table
from rentbook.imports.run import Run
from rentbook.ledger.models import (
    KIND_SIGN,
    MONEY_KINDS,
    Account,
    Kind,
    PaymentMethod,
    Transaction,
)

COLUMNS = Columns(
    required=("transaction_ref", "tenancy_ref", "posted_on", "kind", "amount"),
    optional=(
        "method",
        "charge_code",
        "period_start",
        "period_end",
        "reverses",
        "description",
    ),
)

#: Kinds whose rows must say how the money moved.
NEEDS_METHOD = frozenset({Kind.PAYMENT.value, Kind.REFUND.value})

DB_COLUMNS = (
    "account_id",
    "posted_on",
    "kind",
    "method",
    "amount",
    "charge_code",
    "period_start",
    "period_end",
    "reverses_ref",
    "description",
    "source",
    "source_ref",
    "batch_id",
)

_HASH_SEED = 20250401
#: The column of a batch's good rows holding each reference's SeenRefs hash.
HASH = "_ref_hash"
T = TypeVar("T")
_SIGN_WORDS = {1: "more than zero", -1: "less than zero", 0: "not zero"}


def accounts_frame() -> pl.DataFrame:
    table = Account._meta.db_table
    return fetch_frame(
        f"SELECT reference, id FROM {table}",
        [],
        {"tenancy_ref": pl.String, "account_id": pl.Int64},
    )


def check_batch(raw: pl.DataFrame, accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The batch's good rows, typed and ready to post, and its problems."""
    col = {c: parsing.clean(raw.get_column(c)) for c in raw.columns if c != LINE}
    n = raw.height
    for c in COLUMNS.optional:
        col.setdefault(c, parsing.nulls(c, n))
    checks = Checks(raw.get_column(LINE))

    ref = col["transaction_ref"]
    checks.missing("transaction_ref", ref)
    checks.add("transaction_ref", parsing.longer_than(ref, 80))

    tenancy_ref = col["tenancy_ref"]
    checks.missing("tenancy_ref", tenancy_ref)
    account_id = (
        pl.DataFrame({"tenancy_ref": tenancy_ref})
        .join(accounts, on="tenancy_ref", how="left", maintain_order="left")
        .get_column("account_id")
    )
    checks.where(
        "tenancy_ref",
        tenancy_ref.is_not_null() & account_id.is_null(),
        "no tenancy '{}' (import tenancies first)",
        tenancy_ref,
    )

    posted_on, reasons = parsing.date(col["posted_on"])
    checks.missing("posted_on", col["posted_on"])
    checks.add("posted_on", reasons)

    kind, reasons = parsing.choice(col["kind"], Kind.values, what="kind")
    checks.missing("kind", col["kind"])
    checks.add("kind", reasons)

    amount, reasons = parsing.money(col["amount"])
    checks.missing("amount", col["amount"])
    checks.add("amount", reasons)
    sign = kind.replace_strict(
        {k: v for k, v in KIND_SIGN.items()}, default=None, return_dtype=pl.Int8
    )
    wrong_sign = (
        ((sign == 1) & (amount <= 0))
        | ((sign == -1) & (amount >= 0))
        | ((sign == 0) & (amount == 0))
    )
    if wrong_sign.fill_null(False).any():
        frame = pl.DataFrame({"k": kind, "s": sign})
        checks.where(
            "amount",
            wrong_sign,
            frame.select(
                pl.format(
                    "the amount of a {} must be {}",
                    pl.col("k").str.replace("_", "-"),
                    pl.col("s").replace_strict(_SIGN_WORDS, return_dtype=pl.String),
                )
            ).to_series(),
        )

    method, reasons = parsing.choice(col["method"], PaymentMethod.values, what="payment method")
    checks.add("method", reasons)
    checks.missing("method", col["method"], mask=kind.is_in(list(NEEDS_METHOD)))

    charge_code = col["charge_code"]
    checks.add("charge_code", parsing.longer_than(charge_code, 20))
    charge_code = pl.select(
        pl.when((kind == Kind.CHARGE.value) & charge_code.is_null())
        .then(pl.lit("rent"))
        .otherwise(charge_code)
    ).to_series()

    period_start, reasons = parsing.date(col["period_start"])
    checks.add("period_start", reasons)
    period_end, reasons = parsing.date(col["period_end"])
    checks.add("period_end", reasons)
    checks.where("period_end", period_end < period_start, "the period ends before it starts")

    reverses = col["reverses"]
    is_reversal = kind == Kind.REVERSAL.value
    checks.missing("reverses", reverses, mask=is_reversal)
    checks.where(
        "reverses",
        reverses.is_not_null() & ~is_reversal.fill_null(True),
        "only a reversal names an entry it reverses",
    )
    checks.where("reverses", reverses == ref, "a reversal cannot reverse itself")
    checks.add("reverses", parsing.longer_than(reverses, 80))

    description = col["description"]
    checks.add("description", parsing.longer_than(description, 100))

    parsed = pl.DataFrame(
        {
            LINE: raw.get_column(LINE).cast(pl.Int64),
            "account_id": account_id,
            "posted_on": posted_on,
            "kind": kind,
            "method": method.fill_null(""),
            "amount": amount,
            "charge_code": charge_code.fill_null(""),
            "period_start": period_start,
            "period_end": period_end,
            "reverses_ref": reverses.fill_null(""),
            "description": description.fill_null(""),
            "source_ref": ref,
        }
    )
    problems = checks.frame()
    return good_rows(parsed, problems), problems


class SeenRefs:
    """Hashes of the references of earlier batches, with their lines, one array per batch.

    Only consulted for a batch in which some rows were already in the database: a fresh load
    pays just for hashing, and an overlap or re-import for the look-ups.
    """

    #: Look up by a pass over the batches (not sorting them) when they hold this many times
    #: more unsorted hashes than are asked for.
    SCAN_RATIO = 8

    def __init__(self) -> None:
        self._batches: list[tuple[np.ndarray, np.ndarray]] = []
        self._sorted = 0  # how many of the batches are sorted by hash

    @staticmethod
    def hash(refs: pl.Series) -> pl.Series:
        return refs.hash(seed=_HASH_SEED)

    def add(self, hashes: np.ndarray, lines: np.ndarray) -> None:
        # Sorted only when first looked in: a fresh load never looks, and sorting a million
        # hashes a batch took 12 s of a 38-million-row load's critical path on SQLite.
        self._batches.append((hashes, lines))

    def _scanned(self, hashes: np.ndarray) -> np.ndarray:
        """``earlier_lines`` by one hashed pass over every batch, sorting none: for a few
        hashes (a first load's reversals) against many (sorting 38 million took 2.8 s)."""
        wanted = pl.Series(hashes)
        parts = [pl.DataFrame(schema={"h": wanted.dtype, "line": pl.Int64})]
        for known, lines in self._batches:
            hit = pl.Series(known).is_in(wanted.implode()).to_numpy()
            if hit.any():
                parts.append(pl.DataFrame({"h": known[hit], "line": lines[hit].astype(np.int64)}))
        # lines grow through the file, so the first line of a hash is its least
        first = pl.concat(parts).group_by("h").agg(pl.col("line").min())
        return (
            pl.DataFrame({"h": wanted})
            .join(first, on="h", how="left", maintain_order="left")
            .get_column("line")
            .fill_null(0)
            .to_numpy()
        )

    def _sort(self) -> None:
        for i in range(self._sorted, len(self._batches)):
            hashes, lines = self._batches[i]
            order = np.argsort(hashes)
            self._batches[i] = (hashes[order], lines[order].astype(np.int64))
        self._sorted = len(self._batches)

    def earlier_lines(self, hashes: np.ndarray) -> np.ndarray:
        """For each hash, the first earlier line that had it, or 0."""
        found = np.zeros(len(hashes), dtype=np.int64)
        if len(hashes) == 0:
            return found
        unsorted = sum(len(h) for h, _ in self._batches[self._sorted :])
        if len(hashes) * self.SCAN_RATIO < unsorted:
            return self._scanned(hashes)
        self._sort()
        order = np.argsort(hashes)
        wanted = hashes[order]
        for known, lines in self._batches:  # in file order, so the first match is the first line
            if len(known) == 0:  # a batch whose rows were all rejected
                continue
            at = np.searchsorted(known, wanted).clip(0, len(known) - 1)
            hit = (known[at] == wanted) & (found[order] == 0)
            found[order[hit]] = lines[at[hit]]
        return found


def _checked(raw: pl.DataFrame, accounts: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """One batch as read, its good rows (each reference once, with its hash in ``HASH``) and
    its problems: all the work on a batch that needs no database, done ahead by _prefetch."""
    good, problems = check_batch(raw, accounts)
    good = good.with_columns(SeenRefs.hash(good.get_column("source_ref")).alias(HASH))
    good, repeats = _duplicates_in_batch(good)
    return raw, good, pl.concat([problems, repeats])


def _duplicates_in_batch(good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop references repeated within the batch; the problems of the repeats.

    When the references' hashes (``HASH``) are all different so are the references (the
    usual case, and counting integers is cheaper than counting strings); a repeated hash
    sends the batch to the exact check by string.
    """
    # Polars counts in a fraction of the time numpy's unique takes on a million hashes.
    if good.get_column(HASH).n_unique() == good.height:
        return good, pl.DataFrame(schema=PROBLEM_SCHEMA)
    first = good.group_by("source_ref").agg(pl.col(LINE).min().alias("_first"))
    good = good.join(first, on="source_ref", how="left", maintain_order="left")
    repeat = good.filter(pl.col(LINE) != pl.col("_first"))
    problems = _duplicate_problems(repeat.rename({"_first": "_earlier"}))
    return good.filter(pl.col(LINE) == pl.col("_first")).drop("_first"), problems


def _duplicate_problems(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        LINE,
        pl.lit("transaction_ref").alias("column"),
        pl.format("a duplicate of line {}", pl.col("_earlier")).alias("reason"),
    )


def _split_earlier(good: pl.DataFrame, earlier: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows with no earlier line, and the problems of those repeating one."""
    if not earlier.any():
        return good, pl.DataFrame(schema=PROBLEM_SCHEMA)
    marked = good.with_columns(_earlier=pl.Series(earlier))
    repeats = marked.filter(pl.col("_earlier") > 0)
    return marked.filter(pl.col("_earlier") == 0).drop("_earlier"), _duplicate_problems(repeats)


def _reversal_method(joined: pl.DataFrame, in_file: pl.DataFrame) -> pl.Series:
    """Each reversal's method: its target's when the target moved money (a payment or a
    refund, or a reversal of one), else none, whatever the file said, so that money which
    came back is told apart from a corrected charge (ledger/summary.py's ``returned``). A
    reversal of a reversal in the same file takes the method its target takes."""
    money = pl.col("_t_kind").is_in(list(MONEY_KINDS))
    of_reversal = (pl.col("_t_kind") == Kind.REVERSAL.value) & (pl.col("_t_method") != "")
    first = joined.select(
        pl.when(money | of_reversal).then(pl.col("_t_method")).otherwise(pl.lit(""))
    ).to_series()
    # a target that is itself a reversal in this file: take the method it was just given
    given = dict(zip(joined.get_column("source_ref"), first, strict=True))
    in_file_refs = set(in_file.get_column("source_ref"))
    out = []
    for ref, kind, method in zip(
        joined.get_column("reverses_ref"), joined.get_column("_t_kind"), first, strict=True
    ):
        if kind == Kind.REVERSAL.value and ref in in_file_refs:
            method = given.get(ref, "")
        out.append(method or "")
    return pl.Series("method", out, dtype=pl.String)


def _check_reversals(reversals: pl.DataFrame, run: Run) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reversals whose target is known and whose amount is its exact opposite; problems."""
    targets = fetch_by_refs(
        Transaction._meta.db_table,
        run.source,
        reversals.get_column("reverses_ref").unique().to_list(),
        {
            "source_ref": pl.String,
            "account_id": pl.Int64,
            "amount": pl.Int64,
            "kind": pl.String,
            "method": pl.String,
        },
    )
    # A reversal may undo another reversal in the same file.
    in_file = reversals.select("source_ref", "account_id", "amount", "kind", "method")
    known = pl.concat(
        [targets, in_file.filter(~pl.col("source_ref").is_in(targets["source_ref"].implode()))]
    )
    joined = reversals.join(
        known.rename(
            {
                "source_ref": "reverses_ref",
                "account_id": "_t_account",
                "amount": "_t_amount",
                "kind": "_t_kind",
                "method": "_t_method",
            }
        ),
        on="reverses_ref",
        how="left",
        maintain_order="left",
    )
    joined = joined.with_columns(method=_reversal_method(joined, in_file))
    reason = (
        pl.when(pl.col("_t_amount").is_null())
        .then(pl.format("reverses '{}', which is not a known entry", pl.col("reverses_ref")))
        .when(pl.col("_t_account") != pl.col("account_id"))
        .then(pl.format("reverses '{}', an entry on another account", pl.col("reverses_ref")))
        .when(pl.col("_t_amount") != -pl.col("amount"))
        .then(
            pl.format(
                "the amount must be the exact opposite of the reversed entry's ({}p)",
                pl.col("_t_amount"),
            )
        )
    )
    joined = joined.with_columns(_reason=reason)
    problems = joined.filter(pl.col("_reason").is_not_null()).select(
        LINE, pl.lit("reverses").alias("column"), pl.col("_reason").alias("reason")
    )
    good = joined.filter(pl.col("_reason").is_null()).select(reversals.columns)
    return good, problems


def _prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Produce ``items`` in a background thread, ``depth`` ahead of the consumer.

    Reading and checking the next batch (Polars, which releases the GIL) overlaps with
    writing this one. The producer must not touch the database: connections are per thread.
    """
    done = object()
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                slots.put((item, None))
        except BaseException as e:  # handed to the consumer, raised there
            slots.put((None, e))
            return
        slots.put((done, None))

    worker = threading.Thread(target=produce, name="import-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting to put
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.05)


def import_transactions(table: Table, run: Run) -> None:
    accounts = accounts_frame()
    seen = SeenRefs()
    deferred: list[pl.DataFrame] = []
    deferred_raw: list[pl.DataFrame] = []
    reversal_lines: dict[str, int] = {}
    result = run.result
    # Every account_id comes from the join with the accounts table read in this transaction.
    with loader(
        Transaction._meta.db_table,
        DB_COLUMNS,
        ("source", "source_ref"),
        keys_checked=True,
        bulk_if_empty=True,
    ) as out:
        # a first load posts every row it reads, so it can sum them for the ledger summary
        summary = None
        if out.bulk:
            as_at = run.checkpoint_as_at
            summary = FirstLoadSummary(FirstLoadCheckpoint(as_at) if as_at else None)
        checked = (_checked(raw, accounts) for raw in table.batches)
        for raw, good, problems in _prefetch(checked):
            result.rows_read += raw.height
            parts = [problems]
            if reversal_lines:  # a reversal held back for the end had this reference first
                earlier = good.get_column("source_ref").replace_strict(
                    reversal_lines, default=0, return_dtype=pl.Int64
                )
                good, held = _split_earlier(good, earlier.to_numpy())
                parts.append(held)
            is_reversal = good.get_column("kind") == Kind.REVERSAL.value
            if is_reversal.any():
                rev = good.filter(is_reversal)
                deferred.append(rev)
                deferred_raw.append(raw.filter(pl.col(LINE).is_in(rev[LINE].implode())))
                reversal_lines.update(rev.select("source_ref", LINE).iter_rows())
                good = good.filter(~is_reversal)
            hashes = good.get_column(HASH).to_numpy()
            inserted = _post(out, good, run)
            posted = good
            if inserted < good.height:
                # Some rows were already there: from an earlier import, or from an earlier
                # line of this file (then the row is a duplicate, not "already present").
                posted, dups = _split_earlier(good, seen.earlier_lines(hashes))
                result.rows_present -= dups.height
                parts.append(dups)
            summary = _summed(summary, posted, inserted)
            run.reject(raw, pl.concat(parts).sort(LINE))
            seen.add(hashes, good.get_column(LINE).to_numpy())
        out.finish()  # the reversals' look-ups below need the indexes
        if deferred:
            reversals, problems = _check_reversals(pl.concat(deferred), run)
            hashes = reversals.get_column(HASH).to_numpy()
            reversals, dups = _split_earlier(reversals, seen.earlier_lines(hashes))
            run.reject(pl.concat(deferred_raw), pl.concat([problems, dups]).sort(LINE))
            summary = _summed(summary, reversals, _post(out, reversals, run))
    if result.rows_read == 0:
        raise FileError("the file has a header but no rows")
    if summary is not None:
        summary.write(run.source)


def _summed(
    summary: FirstLoadSummary | None, posted: pl.DataFrame, inserted: int
) -> FirstLoadSummary | None:
    """Add the posted rows to a first load's summary; none if which rows went in is unsure
    (the import's SQL refresh then sums them from the ledger)."""
    if summary is None or posted.height != inserted:
        return None
    summary.add(posted)
    return summary


def _post(out: Loader, good: pl.DataFrame, run: Run) -> int:
    if good.height == 0:
        return 0
    frame = good.with_columns(
        source=pl.lit(run.source), batch_id=pl.lit(run.batch_id, dtype=pl.Int64)
    )
    inserted = out.insert(frame)
    run.result.rows_posted += inserted
    run.result.rows_present += good.height - inserted
    return inserted
