"""The run's facts about Housing Benefit: the latest schedule line of each account by as_of.

Facts: hb_status (paid, suspended or ended), hb_shortfall (the weekly bedroom tax and benefit
cap reductions together, which the tenant must pay and DHP may cover).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from rentbook.benefits.models import DhpAward, HousingBenefitLine, UniversalCreditLine
from rentbook.ledger.positions import as_text, query_frame
from rentbook.policy.facts import SCHEMA

FACTS = ("hb_status", "hb_shortfall", "dhp_ends")


def run_facts(as_of: date, open_sql: str) -> pl.DataFrame:
    rows = query_frame(
        f"SELECT h.account_id, {as_text('h.period_start')}, h.id, h.status,"
        " h.under_occupancy + h.benefit_cap"
        f" FROM {HousingBenefitLine._meta.db_table} h WHERE h.period_start <= %s"
        f" AND h.account_id IN ({open_sql})",
        [as_of.isoformat()],
        {
            "account_id": pl.Int64(),
            "start": pl.Date(),
            "id": pl.Int64(),
            "hb_status": pl.Utf8(),
            "hb_shortfall": pl.Int64(),
        },
    )
    hb = (
        rows.sort("account_id", "start", "id")
        .group_by("account_id")
        .agg(pl.col("hb_status").last(), pl.col("hb_shortfall").last())
        .select(
            "account_id",
            pl.col("hb_status").cast(SCHEMA["hb_status"]),
            pl.col("hb_shortfall").cast(SCHEMA["hb_shortfall"]),
        )
    )
    # the end of the latest weekly DHP award running on as_of
    dhp = query_frame(
        f"SELECT d.account_id, MAX({as_text('d.ends_on')}) FROM {DhpAward._meta.db_table} d"
        " WHERE d.decision = 'awarded' AND d.weekly_amount > 0 AND d.starts_on <= %s"
        f" AND d.ends_on >= %s AND d.account_id IN ({open_sql}) GROUP BY d.account_id",
        [as_of.isoformat(), as_of.isoformat()],
        {"account_id": pl.Int64(), "dhp_ends": SCHEMA["dhp_ends"]},
    )
    return hb.join(dhp, on="account_id", how="full", coalesce=True)


def expected_credits(as_of: date, open_sql: str) -> pl.DataFrame:
    """Per account, the latest day the DWP's schedule says a managed payment not yet paid will
    come (``uc_expected_on``): the run keeps the arrears it will pay technical until then and
    the grace period after (ledger/balances.is_live)."""
    rows = query_frame(
        f"SELECT u.account_id, MAX({as_text('u.expected_on')})"
        f" FROM {UniversalCreditLine._meta.db_table} u WHERE u.paid_on IS NULL"
        f" AND u.period_end <= %s AND u.account_id IN ({open_sql}) GROUP BY u.account_id",
        [as_of.isoformat()],
        {"account_id": pl.Int64(), "uc_expected_on": pl.Date()},
    )
    return rows


def expected_for(account_id: int, as_of: date) -> dict[str, date]:
    """:func:`expected_credits` for one account, by stream method (ledger/balances)."""
    day = (
        UniversalCreditLine.objects.filter(
            account_id=account_id, paid_on__isnull=True, period_end__lte=as_of
        )
        .order_by("-expected_on")
        .values_list("expected_on", flat=True)
        .first()
    )
    return {"universal_credit": day} if day else {}
