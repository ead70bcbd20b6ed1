"""What the DHP fund has committed in a period: each award's weekly amount for the days of it
that fall in the period, and each lump sum paid in it. Plain arithmetic over the awards (a
small table); the indicators scope it by patch (performance/indicators.py)."""

from __future__ import annotations

from datetime import date

import polars as pl

from rentbook.benefits.models import DhpAward, DhpFund


def committed_pence(weekly: int, starts: date, ends: date, lo: date, hi: date) -> int:
    """A weekly award's share of the days ``lo``..``hi`` (pence, rounded down)."""
    days = (min(ends, hi) - max(starts, lo)).days + 1
    return weekly * days // 7 if days > 0 else 0


def committed(start: date, end: date) -> pl.DataFrame:
    """Per account: the DHP committed from ``start`` to ``end`` (``dhp``, pence)."""
    rows: dict[int, int] = {}
    for a in DhpAward.objects.filter(decision=DhpAward.Decision.AWARDED).values(
        "account_id", "weekly_amount", "starts_on", "ends_on", "lump_sum", "paid_on"
    ):
        n = 0
        if a["weekly_amount"] and a["starts_on"] and a["ends_on"]:
            n += committed_pence(a["weekly_amount"], a["starts_on"], a["ends_on"], start, end)
        if a["lump_sum"] and a["paid_on"] and start <= a["paid_on"] <= end:
            n += a["lump_sum"]
        if n:
            rows[a["account_id"]] = rows.get(a["account_id"], 0) + n
    return pl.DataFrame(
        {"account_id": list(rows), "dhp": list(rows.values())},
        schema={"account_id": pl.Int64, "dhp": pl.Int64},
    )


def budget_for(day: date) -> int | None:
    """The DHP fund of the rent year holding ``day`` (pence), if one is set."""
    fund = DhpFund.objects.filter(year_start__lte=day).order_by("-year_start").first()
    return fund.budget if fund else None
