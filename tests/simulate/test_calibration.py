"""A small synthetic landlord lands inside the calibration bands of docs/simulation.md."""

import polars as pl
import pytest

from rentbook.simulate.measure import measure
from tests.simulate.conftest import END


@pytest.fixture(scope="module")
def figures(calibration_run):
    return measure(calibration_run, END)


def test_share_of_current_accounts_in_arrears_is_30_to_46_percent(figures):
    assert 0.30 <= figures["share_in_arrears"] <= 0.46


def test_arrears_are_2_to_4_percent_of_the_annual_debit(figures):
    # The housing association band is 2.5-3%; 2,000 tenancies add sampling noise.
    assert 0.02 <= figures["arrears_pct_of_debit"] <= 0.04


def test_some_accounts_owe_13_weeks_or_more_but_few(figures):
    assert 0.01 <= figures["share_13_weeks"] <= 0.05


def test_universal_credit_claimants_are_likelier_to_be_in_arrears(figures):
    assert figures["uc_in_arrears"] > figures["others_in_arrears"]


def test_benefit_and_payment_mix_match_the_figures(figures):
    assert 0.40 <= figures["uc_share"] <= 0.60
    assert 0.08 <= figures["hb_share"] <= 0.30
    assert 0.40 <= figures["direct_debit_share"] <= 0.60
    assert 0.10 <= figures["cash_card_share"] <= 0.20
    assert 0.20 <= figures["joint_share"] <= 0.30


def test_turnover_and_relets_match_the_figures(figures):
    assert 0.04 <= figures["turnover_per_year"] <= 0.08
    assert 21 <= figures["median_relet_days"] <= 42


def test_former_tenants_leave_balances_behind(calibration_run):
    tenancies = pl.read_csv(calibration_run / "tenancies.csv", infer_schema_length=0)
    tx = pl.read_csv(calibration_run / "transactions.csv", infer_schema_length=0)
    former = tenancies.filter(pl.col("end_date").is_not_null())["tenancy_ref"].unique()
    balances = (
        tx.filter(pl.col("tenancy_ref").is_in(former.implode()))
        .group_by("tenancy_ref")
        .agg(pl.col("amount").str.to_decimal(scale=2).sum())
    )
    assert (balances["amount"] > 0).sum() > 0.2 * balances.height


def test_every_kind_of_entry_appears(calibration_run):
    kinds = set(pl.read_csv(calibration_run / "transactions.csv", infer_schema_length=0)["kind"])
    expected = {"charge", "payment", "adjustment", "reversal", "refund", "court_costs"}
    assert expected | {"recharge", "write_off"} <= kinds
