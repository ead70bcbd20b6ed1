"""The run's facts about Housing Benefit: the latest schedule line of each account by as_of.

Facts: hb_status (paid, suspended or ended), hb_shortfall (the weekly bedroom tax and benefit
cap reductions together, which the tenant must pay and DHP may cover).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from rentbook.benefits.models import DhpAward, HousingBenefitLine, UniversalCreditLine
from rentbook.ledger.balances import GRACE_DAYS, ExpectedCredit
from rentbook.ledger.models import Kind, Transaction
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


#: The columns expected_credits gives, by account.
EXPECTED_SCHEMA = {
    "account_id": pl.Int64(),
    "uc_expected_on": pl.Date(),
    "uc_expected_cover": pl.Date(),
    "uc_expected_amount": pl.Int64(),
    "uc_expected_next": pl.Int64(),
    "uc_expected_since": pl.Int64(),
}


def _expected_sql(account_filter: str) -> str:
    """Per account, the DWP schedule's lines not yet paid on the day whose period has ended and
    whose expected day, plus the grace period, has not passed: the latest day and period end,
    the lines' total and the latest line's amount, and the charges posted since that period."""
    uc = UniversalCreditLine._meta.db_table
    due = (
        f"(u.paid_on IS NULL OR u.paid_on > %s) AND u.period_end <= %s AND u.expected_on >= %s"
        f" AND u.account_id IN ({account_filter})"
    )
    latest = (
        f"SELECT u.account_id, MAX(u.expected_on) AS on_day, MAX(u.period_end) AS cover,"
        f" SUM(u.amount) AS amount FROM {uc} u WHERE {due} GROUP BY u.account_id"
    )
    return (
        f"SELECT l.account_id, {as_text('l.on_day')}, {as_text('l.cover')}, l.amount,"
        f" (SELECT u.amount FROM {uc} u WHERE u.account_id = l.account_id AND {due}"
        "  ORDER BY u.period_end DESC, u.id DESC LIMIT 1),"
        f" (SELECT COALESCE(SUM(t.amount), 0) FROM {Transaction._meta.db_table} t"
        f"  WHERE t.account_id = l.account_id AND t.kind = '{Kind.CHARGE.value}'"
        "  AND t.posted_on > l.cover AND t.posted_on <= %s)"
        f" FROM ({latest}) l"
    )


def _expected_params(as_of: date, params: list) -> list:
    day, since = as_of.isoformat(), (as_of - timedelta(days=GRACE_DAYS)).isoformat()
    # in the order the SQL names them: the latest line's amount, the charges, the lines; a line
    # paid after the day was not yet paid on it (a past day's snapshot, as the backtest reads)
    return [day, day, since, *params, day, day, day, since, *params]


def expected_credits(as_of: date, open_sql: str) -> pl.DataFrame:
    """Per account, the managed payments the DWP's schedule says are coming and not yet paid
    (EXPECTED_SCHEMA): the run keeps the arrears they will pay technical until their day and
    the grace period after (ledger/balances.pending)."""
    return query_frame(_expected_sql(open_sql), _expected_params(as_of, []), EXPECTED_SCHEMA)


def expected_for(account_id: int, as_of: date) -> dict[str, ExpectedCredit]:
    """:func:`expected_credits` for one account, by stream method (ledger/balances)."""
    frame = query_frame(_expected_sql("%s"), _expected_params(as_of, [account_id]), EXPECTED_SCHEMA)
    if not frame.height:
        return {}
    _, on, cover, amount, next_amount, _ = frame.row(0)
    return {"universal_credit": ExpectedCredit(on, cover, amount, next_amount)}
