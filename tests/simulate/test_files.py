"""The simulator's files keep the import contract of docs/imports.md."""

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.simulate.conftest import END, run

DOC = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def documented_columns(kind: str) -> tuple[set[str], set[str]]:
    """(all, required) columns of a file kind, read from the tables in docs/imports.md."""
    section = DOC.read_text().split(f"## {kind}\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("| column") :].split("\n\n", 1)[0]  # the first table only
    every, required = set(), set()
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names = {n.strip() for n in cells[0].split(",")}
        every |= names
        if cells[1] == "yes":
            required |= names
    return every, required


def read(out: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(out / f"{name}.csv", infer_schema_length=0)


def pence(df: pl.DataFrame, col: str = "amount") -> pl.Series:
    return (df[col].str.to_decimal(scale=2) * 100).cast(pl.Int64)


@pytest.mark.parametrize("kind", ["tenancies", "charges", "transactions"])
def test_each_file_has_documented_columns_and_every_required_one(small_run, kind):
    every, required = documented_columns(kind)
    header = set(read(small_run, kind).columns)
    assert required <= header
    assert header <= every


@pytest.mark.parametrize("kind", ["tenancies", "charges", "transactions"])
def test_required_values_are_never_empty(small_run, kind):
    _, required = documented_columns(kind)
    df = read(small_run, kind)
    assert df.select(pl.col(sorted(required)).null_count()).sum_horizontal().item() == 0


def test_the_same_seed_gives_byte_identical_files(tmp_path):
    a = run(tmp_path / "a", tenancies=300, years=1, seed=3)
    b = run(tmp_path / "b", tenancies=300, years=1, seed=3)
    for name in ("tenancies.csv", "charges.csv", "transactions.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_a_different_seed_gives_different_files(tmp_path):
    a = run(tmp_path / "a", tenancies=300, years=1, seed=3)
    b = run(tmp_path / "b", tenancies=300, years=1, seed=4)
    assert (a / "transactions.csv").read_bytes() != (b / "transactions.csv").read_bytes()
    assert (a / "tenancies.csv").read_bytes() != (b / "tenancies.csv").read_bytes()


def test_it_writes_exactly_the_tenancies_asked_for(small_run):
    assert read(small_run, "tenancies")["tenancy_ref"].n_unique() == 600


def test_money_is_written_with_two_decimals(small_run):
    money = re.compile(r"^-?\d+\.\d\d$")
    assert read(small_run, "transactions")["amount"].str.contains(money.pattern).all()
    assert read(small_run, "charges")["weekly_amount"].str.contains(money.pattern).all()


def test_amounts_have_the_sign_their_kind_demands(small_run):
    tx = read(small_run, "transactions")
    tx = tx.with_columns(pence=pence(tx))
    sign = {
        "charge": 1,
        "payment": -1,
        "refund": 1,
        "write_off": -1,
        "write_on": 1,
        "court_costs": 1,
        "recharge": 1,
    }
    assert set(tx["kind"].unique()) <= set(sign) | {"adjustment", "reversal"}
    for kind, s in sign.items():
        assert (tx.filter(pl.col("kind") == kind)["pence"] * s > 0).all(), kind
    either = tx.filter(pl.col("kind").is_in(["adjustment", "reversal"]))
    assert (either["pence"] != 0).all()


def test_payments_and_refunds_name_a_documented_method(small_run):
    methods = {
        "direct_debit standing_order card cash post_office paypoint allpay bank_transfer "
        "cheque housing_benefit universal_credit dhp other"
    }
    methods = set(next(iter(methods)).split())
    tx = read(small_run, "transactions").filter(pl.col("kind").is_in(["payment", "refund"]))
    assert tx["method"].null_count() == 0
    assert set(tx["method"].unique()) <= methods
    ten = read(small_run, "tenancies")
    assert set(ten["payment_method"].unique()) <= methods


def test_every_tenancy_named_in_charges_and_transactions_exists(small_run):
    known = set(read(small_run, "tenancies")["tenancy_ref"])
    assert set(read(small_run, "charges")["tenancy_ref"]) <= known
    assert set(read(small_run, "transactions")["tenancy_ref"]) <= known


def test_transaction_refs_are_unique_and_short_enough(small_run):
    refs = read(small_run, "transactions")["transaction_ref"]
    assert refs.n_unique() == len(refs)
    assert refs.str.len_chars().max() <= 80


def test_a_reversal_is_the_exact_opposite_of_a_payment_in_the_file(small_run):
    tx = read(small_run, "transactions")
    tx = tx.with_columns(pence=pence(tx))
    reversals = tx.filter(pl.col("kind") == "reversal")
    assert reversals.height > 0
    joined = reversals.join(
        tx.select("transaction_ref", "kind", orig="pence", orig_on="posted_on"),
        left_on="reverses",
        right_on="transaction_ref",
        how="left",
    )
    assert (joined["kind_right"] == "payment").all()
    assert (joined["pence"] == -joined["orig"]).all()
    assert (joined["posted_on"] >= joined["orig_on"]).all()


def test_joint_tenants_repeat_the_same_tenancy_columns(small_run):
    ten = read(small_run, "tenancies")
    shared = ["property_ref", "start_date", "end_date", "payment_method", "benefit", "tenure"]
    per_tenancy = ten.group_by("tenancy_ref").agg(pl.col(shared).n_unique())
    assert (per_tenancy.select(shared).max_horizontal() == 1).all()
    share = ten.filter(pl.col("person_no") == "2").height / ten["tenancy_ref"].n_unique()
    assert 0.15 < share < 0.35


def test_tenancies_start_on_a_monday_and_end_on_a_sunday(small_run):
    ten = read(small_run, "tenancies").with_columns(pl.col("start_date", "end_date").str.to_date())
    assert (ten["start_date"].dt.weekday() == 1).all()
    assert (ten["end_date"].drop_nulls().dt.weekday() == 7).all()


def test_postcodes_look_like_uk_postcodes(small_run):
    postcode = r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$"
    assert read(small_run, "tenancies")["postcode"].str.contains(postcode).all()


def test_nothing_is_posted_after_the_end(small_run):
    posted = read(small_run, "transactions")["posted_on"].str.to_date()
    assert posted.max() <= END
    assert posted.min() == date(2023, 7, 3)


def test_postcodes_stay_valid_beyond_99_patches():
    # A large landlord has more patches than a postcode area has districts (1 to 99).
    import numpy as np

    from rentbook.imports.tenancies import _POSTCODE
    from rentbook.simulate.people import addresses

    patch = np.arange(0, 1800, dtype=np.int64)  # about 1.5 million homes
    postcodes = addresses(len(patch), patch, np.random.default_rng(1)).get_column("postcode")
    bad = postcodes.filter(~postcodes.str.contains(_POSTCODE))
    assert bad.len() == 0, bad.head(5).to_list()
    assert postcodes.str.slice(0, 2).is_in(["RG", "RH", "RM"]).sum() == 0
    assert postcodes.n_unique() > 1000
