"""Weekly series of current tenants' arrears, and the year-on-year profile by week of the rent
year (rent-free weeks and Christmas marked), so a manager can see why arrears rise and fall.

One aggregating query gives each account's net movement per rent week (everything before the
first week folded into it); Polars runs the balances forward and sums, each week, the
positive balances of tenancies current at the week's end, by patch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from rentbook.ledger.calendar import RentFreeRule, rent_year, rent_year_of, week_start
from rentbook.ledger.positions import query_frame, week_index_sql
from rentbook.performance.indicators import ACCOUNT, PROPERTY, TENANCY, TXN, Scope, sql_day

WEEKLY_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "week": pl.Int64(),
    "net": pl.Int64(),
}


def weekly_by_patch(first: date, last: date) -> tuple[list[date], dict[int, list[int]]]:
    """Each Sunday from ``first``'s week to ``last``'s, and for each patch the positive
    balances of its tenancies current on that Sunday (pence): one pass over the ledger for
    every scope, since an area or an officer is a set of patches."""
    monday = week_start(first)
    weeks = (week_start(last) - monday).days // 7 + 1
    end = monday + timedelta(weeks=weeks, days=-1)
    week_ends = [monday + timedelta(weeks=w, days=6) for w in range(weeks)]
    sql = (
        f"SELECT t.account_id, {week_index_sql(monday, 0)} AS w, SUM(t.amount)"
        f" FROM {TXN} t WHERE t.posted_on <= {sql_day(end)} GROUP BY t.account_id, w"
    )
    moves = query_frame(sql, [], WEEKLY_SCHEMA)
    acc_sql = (
        f"SELECT a.id, p.patch_id, tn.start_date, tn.end_date FROM {ACCOUNT} a"
        f" JOIN {TENANCY} tn ON tn.id = a.tenancy_id JOIN {PROPERTY} p ON p.id = tn.property_id"
    )
    accounts = query_frame(
        acc_sql,
        [],
        {"account_id": pl.Int64(), "patch_id": pl.Int64(), "start": pl.Date(), "end": pl.Date()},
    )
    # only tenancies current at some week's end in the range
    accounts = accounts.filter(
        (pl.col("start") <= end) & (pl.col("end").is_null() | (pl.col("end") >= monday))
    ).with_columns(pl.col("patch_id").fill_null(-1))
    if accounts.height == 0:
        return week_ends, {}
    index = accounts.select("account_id").with_row_index("row")
    moves = moves.join(index, on="account_id", how="inner")
    # an accounts x weeks matrix of net movements, run forward: each week's closing balance
    matrix = np.zeros((index.height, weeks), dtype=np.int64)
    if moves.height:
        rows = moves["row"].cast(pl.Int64).to_numpy()
        np.add.at(matrix, (rows, moves["week"].to_numpy()), moves["net"].to_numpy())
    balance = np.cumsum(matrix, axis=1)
    ends = np.array(week_ends, dtype="datetime64[D]")
    starts = accounts["start"].to_numpy().astype("datetime64[D]")
    finish = accounts["end"].fill_null(date(9999, 12, 31)).to_numpy().astype("datetime64[D]")
    current = (starts[:, None] <= ends[None, :]) & (finish[:, None] >= ends[None, :])
    owed = np.where(current, np.clip(balance, 0, None), 0)
    patch_ids, patch_row = np.unique(accounts["patch_id"].to_numpy(), return_inverse=True)
    per_patch = np.zeros((len(patch_ids), weeks), dtype=np.int64)
    np.add.at(per_patch, patch_row, owed)
    return week_ends, {
        int(p): [int(x) for x in per_patch[i]] for i, p in enumerate(patch_ids.tolist())
    }


def scope_series(
    by_patch: dict[int, list[int]], weeks: int, patches: frozenset[int] | None
) -> list[int]:
    """A scope's weekly arrears: the sum of its patches' (every patch's for the landlord)."""
    total = [0] * weeks
    for patch, series in by_patch.items():
        if patches is None or patch in patches:
            total = [a + b for a, b in zip(total, series, strict=True)]
    return total


def weekly_arrears(first: date, last: date, scope: Scope) -> pl.DataFrame:
    """Columns ``week_end`` (each Sunday from ``first``'s week to ``last``'s) and ``arrears``
    (pence): the positive balances of tenancies current on that Sunday, in ``scope``."""
    week_ends, by_patch = weekly_by_patch(first, last)
    arrears = scope_series(by_patch, len(week_ends), scope.patches())
    return pl.DataFrame({"week_end": week_ends, "arrears": arrears})


@dataclass(frozen=True)
class ProfilePoint:
    week: int  # week of the rent year, 1-based
    arrears: int | None  # pence; None for a week not yet reached
    rent_free: bool
    christmas: bool


def year_profile(
    years: list[int], scope: Scope, rule: RentFreeRule, as_of: date
) -> dict[int, list[ProfilePoint]]:
    """Arrears at the end of each week of each rent year in ``years`` (up to ``as_of``), with
    the rent-free weeks and the week holding Christmas Day marked."""
    if not years:
        return {}
    first = rent_year(min(years), rule).start
    last = min(rent_year(max(years), rule).end, as_of)
    series = weekly_arrears(first, last, scope)
    by_end = dict(zip(series["week_end"].to_list(), series["arrears"].to_list(), strict=True))
    return profile_of(years, by_end, rule)


def profile_of(
    years: list[int], by_end: dict[date, int], rule: RentFreeRule
) -> dict[int, list[ProfilePoint]]:
    """Each rent year's weeks with the arrears at their ends (None where not reached)."""
    out: dict[int, list[ProfilePoint]] = {}
    for y in sorted(years):
        ry = rent_year(y, rule)
        xmas = ry.week_number(date(y, 12, 25))
        points = []
        for n in range(1, ry.weeks + 1):
            sunday = ry.week_start(n) + timedelta(days=6)
            points.append(ProfilePoint(n, by_end.get(sunday), n in ry.free_weeks, n == xmas))
        out[y] = points
    return out


def current_rent_year(as_of: date) -> int:
    return rent_year_of(as_of)
