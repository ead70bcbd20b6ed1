"""The collection summary by fund (seed 002, paragraph 3): cash collected, billed,
% collected, written off, % written off, and a total row.

Funds: rent (charges coded ``rent``, or not coded), service charges (every other charge
code), recharges (rechargeable repairs) and former tenant arrears. Payments are not tagged
with a fund in the ledger, so a current tenant's cash and write-offs are shared between
rent, service charges and recharges in proportion to what each billed in the period
(money.apportion: the parts add up exactly). Former tenant arrears: "billed" is what former
tenants owed when their arrears became former tenant arrears for the period (see
docs/indicators.md); the cash and write-offs are those posted after the tenancy ended.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from rentbook.ledger.positions import query_frame
from rentbook.ledger.summary import money_in
from rentbook.money import apportion
from rentbook.performance.indicators import (
    ACCOUNT,
    TENANCY,
    TXN,
    Data,
    Scope,
    _former_base,
    _sum,
    pct,
    sql_day,
)

FUNDS = ("Rent", "Service charges", "Recharges", "Former tenant arrears")


@dataclass(frozen=True)
class FundRow:
    fund: str
    collected: int  # pence
    billed: int
    written_off: int

    @property
    def collected_pct(self) -> float | None:
        return pct(self.collected, self.billed)

    @property
    def written_off_pct(self) -> float | None:
        return pct(self.written_off, self.billed)


def with_total(rows: list[FundRow], label: str = "Total") -> list[FundRow]:
    """The rows and a total row; each percentage is of its own row's sum billed."""
    total = FundRow(
        label,
        sum(r.collected for r in rows),
        sum(r.billed for r in rows),
        sum(r.written_off for r in rows),
    )
    return [*rows, total]


FUND_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "patch_id": pl.Int64(),
    "rent": pl.Int64(),
    "service": pl.Int64(),
    "recharge": pl.Int64(),
    "cash": pl.Int64(),
    "written_off": pl.Int64(),
}


def _funds_sql(data: Data) -> str:
    from rentbook.portfolio.models import Property

    s, e = sql_day(data.period.start), sql_day(data.period.end)
    rent = "x.charge_code IN ('rent', '')"
    current = "(tn.end_date IS NULL OR x.posted_on <= tn.end_date)"
    return (
        "SELECT x.account_id, MIN(p.patch_id),"
        f" SUM(CASE WHEN x.kind = 'charge' AND {rent} THEN x.amount ELSE 0 END),"
        f" SUM(CASE WHEN x.kind = 'charge' AND NOT {rent} THEN x.amount ELSE 0 END),"
        " SUM(CASE WHEN x.kind = 'recharge' THEN x.amount ELSE 0 END),"
        f" SUM(CASE WHEN {money_in('x')} AND {current} THEN -x.amount ELSE 0 END)"
        f" - SUM(CASE WHEN x.kind = 'refund' AND {current} THEN x.amount ELSE 0 END),"
        f" SUM(CASE WHEN x.kind = 'write_off' AND {current} THEN -x.amount ELSE 0 END)"
        f" FROM {TXN} x JOIN {ACCOUNT} a ON a.id = x.account_id"
        f" JOIN {TENANCY} tn ON tn.id = a.tenancy_id"
        f" JOIN {Property._meta.db_table} p ON p.id = tn.property_id"
        f" WHERE x.posted_on >= {s} AND x.posted_on <= {e} GROUP BY x.account_id"
    )


def fund_summary(data: Data, scope: Scope) -> list[FundRow]:
    """The collection summary of ``scope`` for the data's period, with its total row."""
    if "funds" not in data._cache:
        data._cache["funds"] = query_frame(_funds_sql(data), [], FUND_SCHEMA)
    frame: pl.DataFrame = data._cache["funds"]
    patches = scope.patches()
    if patches is not None:
        frame = frame.filter(pl.col("patch_id").is_in(list(patches)))
    billed = [_sum(frame, pl.col(c)) for c in ("rent", "service", "recharge")]
    cash, woff = _sum(frame, pl.col("cash")), _sum(frame, pl.col("written_off"))
    weights = billed if any(b > 0 for b in billed) else [1, 0, 0]
    weights = [max(0, w) for w in weights]
    cash_parts = apportion(cash, weights)
    woff_parts = apportion(woff, weights)
    rows = [FundRow(FUNDS[i], cash_parts[i], billed[i], woff_parts[i]) for i in range(3)]
    base = _former_base(data, scope)
    rows.append(
        FundRow(
            FUNDS[3],
            _sum(base, pl.col("ft_collected")),
            _sum(base, pl.col("ft_opening")),
            _sum(base, pl.col("ft_written_off")),
        )
    )
    return with_total(rows)
