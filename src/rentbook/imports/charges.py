"""Importing charge schedules: one ChargeLine per (tenancy, charge code, effective from)."""

from __future__ import annotations

import polars as pl

from rentbook.imports import parsing
from rentbook.imports.auditing import plain, record_changes
from rentbook.imports.checks import Checks, good_rows
from rentbook.imports.loaders import fetch_frame, loader
from rentbook.imports.reading import LINE, Columns, FileError, Table, read_all
from rentbook.imports.run import Run
from rentbook.imports.transactions import accounts_frame
from rentbook.ledger.models import ChargeLine

COLUMNS = Columns(
    required=("tenancy_ref", "charge_code", "weekly_amount", "effective_from"),
    optional=("description", "effective_to"),
)

DB_COLUMNS = (
    "account_id",
    "code",
    "description",
    "weekly_amount",
    "effective_from",
    "effective_to",
    "source",
    "source_ref",
)
#: What a re-import may change on a line it already holds.
UPDATABLE = ("description", "weekly_amount", "effective_to")


def check(raw: pl.DataFrame, accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    col = {c: parsing.clean(raw.get_column(c)) for c in raw.columns if c != LINE}
    for c in COLUMNS.optional:
        col.setdefault(c, parsing.nulls(c, raw.height))
    checks = Checks(raw.get_column(LINE))

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
    code = col["charge_code"]
    checks.missing("charge_code", code)
    checks.add("charge_code", parsing.longer_than(code, 20))
    checks.add("description", parsing.longer_than(col["description"], 100))

    amount, reasons = parsing.money(col["weekly_amount"])
    checks.missing("weekly_amount", col["weekly_amount"])
    checks.add("weekly_amount", reasons)
    checks.where("weekly_amount", amount < 0, "a weekly charge cannot be negative")

    effective_from, reasons = parsing.date(col["effective_from"])
    checks.missing("effective_from", col["effective_from"])
    checks.add("effective_from", reasons)
    effective_to, reasons = parsing.date(col["effective_to"])
    checks.add("effective_to", reasons)
    checks.where("effective_to", effective_to < effective_from, "the charge ends before it starts")

    parsed = pl.DataFrame(
        {
            LINE: raw.get_column(LINE).cast(pl.Int64),
            "account_id": account_id,
            "code": code,
            "description": col["description"].fill_null(""),
            "weekly_amount": amount,
            "effective_from": effective_from,
            "effective_to": effective_to,
            "source_ref": pl.DataFrame({"t": tenancy_ref, "c": code, "f": effective_from})
            .select(pl.format("{}/{}/{}", "t", "c", pl.col("f").dt.to_string("%Y-%m-%d")))
            .to_series(),
        }
    )
    problems = checks.frame()
    good = good_rows(parsed, problems)
    first = good.group_by("source_ref").agg(pl.col(LINE).min().alias("_first"))
    good = good.join(first, on="source_ref", maintain_order="left")
    repeats = good.filter(pl.col(LINE) != pl.col("_first")).select(
        LINE,
        pl.lit("effective_from").alias("column"),
        pl.format("the same charge and date as line {}", pl.col("_first")).alias("reason"),
    )
    good = good.filter(pl.col(LINE) == pl.col("_first")).drop("_first")
    if repeats.height:
        problems = pl.concat([problems, repeats]).sort(LINE)
    return good, problems


def existing_lines(source: str) -> pl.DataFrame:
    table = ChargeLine._meta.db_table
    return fetch_frame(
        f"SELECT id, source_ref, description, weekly_amount, effective_to FROM {table} "
        "WHERE source = %s",
        [source],
        {
            "id": pl.Int64,
            "source_ref": pl.String,
            "description": pl.String,
            "weekly_amount": pl.Int64,
            "effective_to": pl.Date,
        },
    )


def import_charges(table: Table, run: Run) -> None:
    raw = read_all(table)
    if raw.height == 0:
        raise FileError("the file has a header but no rows")
    run.result.rows_read = raw.height
    good, problems = check(raw, accounts_frame())
    run.reject(raw, problems)

    held = existing_lines(run.source)
    joined = good.join(held, on="source_ref", how="left", suffix="_held")
    new = joined.filter(pl.col("id").is_null()).select(good.columns)
    old = joined.filter(pl.col("id").is_not_null())
    differs = pl.lit(False)
    for f in UPDATABLE:
        differs = differs | pl.col(f).ne_missing(pl.col(f + "_held"))
    changed = old.filter(differs)

    with loader(ChargeLine._meta.db_table, DB_COLUMNS, ("source", "source_ref")) as out:
        posted = out.insert(new.with_columns(source=pl.lit(run.source)))
    run.result.rows_posted = posted
    run.result.rows_updated = changed.height
    run.result.rows_present = old.height - changed.height + (new.height - posted)
    if changed.height:
        _update(changed)


def _update(changed: pl.DataFrame) -> None:
    objs, audit = [], []
    for row in changed.iter_rows(named=True):
        line = ChargeLine(
            pk=row["id"],
            description=row["description"],
            weekly_amount=row["weekly_amount"],
            effective_to=row["effective_to"],
        )
        objs.append(line)
        before = {f: row[f + "_held"] for f in UPDATABLE}
        after = {f: row[f] for f in UPDATABLE}
        diff = [f for f in UPDATABLE if before[f] != after[f]]
        audit.append(
            (
                row["id"],
                row["source_ref"],
                {f: plain(before[f]) for f in diff},
                {f: plain(after[f]) for f in diff},
            )
        )
    ChargeLine.objects.bulk_update(objs, list(UPDATABLE), batch_size=2000)
    record_changes("ledger.ChargeLine", audit)
