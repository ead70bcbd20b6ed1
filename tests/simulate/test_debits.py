"""The simulator's charge rows are exactly the debits the ledger would compute."""

from datetime import date

import polars as pl

from rentbook.ledger.debits import ChargeLineValue, weekly_debits
from rentbook.money import parse_pounds
from tests.simulate.conftest import END, RULE

HISTORY_START = date(2023, 7, 3)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def test_charge_rows_equal_weekly_debits_for_a_sample_of_tenancies(small_run):
    tenancies = pl.read_csv(small_run / "tenancies.csv", infer_schema_length=0).filter(
        pl.col("person_no") == "1"
    )
    charges = pl.read_csv(small_run / "charges.csv", infer_schema_length=0)
    tx = pl.read_csv(small_run / "transactions.csv", infer_schema_length=0).filter(
        pl.col("kind") == "charge"
    )
    # Every tenancy that ended during the history, and a spread of the others.
    ended = tenancies.filter(pl.col("end_date").is_not_null()).head(20)
    sample = pl.concat([ended, tenancies.gather_every(15)]).unique("tenancy_ref")
    assert sample.height > 50
    for row in sample.iter_rows(named=True):
        ref = row["tenancy_ref"]
        lines = [
            ChargeLineValue(
                code=c["charge_code"],
                weekly_amount=parse_pounds(c["weekly_amount"]),
                effective_from=date.fromisoformat(c["effective_from"]),
                effective_to=_date(c["effective_to"]),
            )
            for c in charges.filter(pl.col("tenancy_ref") == ref).iter_rows(named=True)
        ]
        expected = weekly_debits(
            lines,
            tenancy_start=date.fromisoformat(row["start_date"]),
            tenancy_end=_date(row["end_date"]),
            first=HISTORY_START,
            last=END,
            rule=RULE,
        )
        written = tx.filter(pl.col("tenancy_ref") == ref)
        got = {
            (r["transaction_ref"], r["posted_on"], r["charge_code"], parse_pounds(r["amount"]))
            for r in written.iter_rows(named=True)
        }
        want = {(d.source_ref(ref), d.week.isoformat(), d.code, d.amount) for d in expected}
        assert got == want, ref
        for r in written.iter_rows(named=True):
            start, end = date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"])
            assert start.isoformat() == r["posted_on"] and (end - start).days == 6


def test_charge_lines_run_rent_year_to_rent_year_with_the_last_open(small_run):
    charges = pl.read_csv(small_run / "charges.csv", try_parse_dates=True)
    per_line = charges.sort("effective_from").group_by("tenancy_ref", "charge_code")
    for (_, _), line in per_line:
        assert line["effective_to"][-1] is None
        assert line["effective_to"][:-1].null_count() == 0
        gaps = line["effective_from"][1:].to_list()
        ends = line["effective_to"][:-1].to_list()
        assert all((g - e).days == 1 for g, e in zip(gaps, ends, strict=True))


def test_rent_rises_each_april(small_run):
    rent = pl.read_csv(small_run / "charges.csv", try_parse_dates=True).filter(
        pl.col("charge_code") == "rent"
    )
    rises = (
        rent.sort("effective_from")
        .group_by("tenancy_ref")
        .agg(up=(pl.col("weekly_amount").diff().drop_nulls() > 0).all())
    )
    assert rises["up"].all()
