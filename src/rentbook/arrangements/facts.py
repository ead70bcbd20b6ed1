"""The run's facts about payment arrangements, for every open account at once.

Facts: arrangement_type, arrangement_state, arrangement_start, arrangement_breaches,
arrangement_review, arrangement_could_pay_more.

``arrangement_breaches`` counts the breaches of the latest arrangement plus those of the
arrangements it replaced (``prior_breaches``, fixed when it was set up), so renegotiating a
broken arrangement does not wipe the count the policies use for "broken a second time".

The same rule as breach.assess, vectorised: the latest arrangement of each open account is
read in one query, then Polars builds each schedule's payments that have come due, the checks
on each payment's date + the tolerance and on the as-of day, and the state and breach count
from them (progress.py). The checks up to the run's ledger checkpoint are kept from the last
run; only the days since are read, except for an arrangement new or changed since, which is
worked out from its start (its balance then, and its movements by day since). Nothing is read
per account, and the answer depends only on the data and the as-of day.

The arrears run (engine/features.py) left-joins this frame on account_id; an account with
no row has the facts missing (null), which the policies read as "nothing recorded".
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from django.db import connection

from rentbook.arrangements.models import Arrangement, Kind, Statement
from rentbook.arrangements.schedules import PERIOD_DAYS, Frequency
from rentbook.ledger import positions
from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import Checkpoint, Transaction
from rentbook.ledger.positions import (
    Rows,
    as_text,
    checkpoint_frame,
    checkpoints_before,
    first_id,
    query_frame,
)

ARR = Arrangement._meta.db_table
STMT = Statement._meta.db_table
TXN = Transaction._meta.db_table
#: Income and expenditure older than this many days is stale: the tenant could pay more.
STALE_DAYS = 183
#: Paying this many instalments ahead of the schedule: the tenant could pay more.
AHEAD_INSTALMENTS = 2

FACT_SCHEMA = {
    "account_id": pl.Int64(),
    "arrangement_type": pl.Utf8(),
    "arrangement_state": pl.Utf8(),
    "arrangement_start": pl.Date(),
    "arrangement_breaches": pl.Int64(),
    "arrangement_review": pl.Date(),
    "arrangement_could_pay_more": pl.Boolean(),
}
EPOCH = date(1900, 1, 1)


def day_sql(d: date) -> str:
    """A date as an SQL literal on this connection."""
    text = d.isoformat()
    return f"DATE '{text}'" if connection.vendor == "postgresql" else f"'{text}'"


def latest_sql(as_of: date, open_sql: str) -> str:
    """SQL: account_id and start of each open account's latest arrangement begun by ``as_of``."""
    d = day_sql(as_of)
    return (
        f"SELECT account_id, MAX(start) AS start FROM {ARR}"
        f" WHERE start <= {d} AND account_id IN ({open_sql}) GROUP BY account_id"
    )


def read_arrangements(as_of: date, open_sql: str) -> pl.DataFrame:
    sql = (
        "SELECT ar.id, ar.account_id, ar.kind, ar.frequency, ar.day_of_month, ar.weekday,"
        " ar.nth, ar.instalment, ar.lump_sum, "
        f"{as_text('ar.lump_sum_on')}, {as_text('ar.start')}, {as_text('ar.first_payment')},"
        " ar.tolerance_days, ar.tolerance_pence, ar.starting_balance, ar.prior_breaches,"
        f" {as_text('ar.review_on')}, {as_text('ar.cancelled_on')}, {as_text('st.taken_on')}"
        f" FROM {ARR} ar JOIN ({latest_sql(as_of, open_sql)}) la"
        " ON la.account_id = ar.account_id AND la.start = ar.start"
        f" LEFT JOIN (SELECT account_id, MAX(taken_on) AS taken_on FROM {STMT}"
        f" WHERE taken_on <= {day_sql(as_of)} GROUP BY account_id) st"
        " ON st.account_id = ar.account_id"
    )
    frame = query_frame(
        sql,
        [],
        {
            "id": pl.Int64(),
            "account_id": pl.Int64(),
            "kind": pl.Utf8(),
            "frequency": pl.Utf8(),
            "day_of_month": pl.Int64(),
            "weekday": pl.Int64(),
            "nth": pl.Int64(),
            "instalment": pl.Int64(),
            "lump_sum": pl.Int64(),
            "lump_sum_on": pl.Date(),
            "start": pl.Date(),
            "first_payment": pl.Date(),
            "tolerance_days": pl.Int64(),
            "tolerance_pence": pl.Int64(),
            "starting_balance": pl.Int64(),
            "prior_breaches": pl.Int64(),
            "review_on": pl.Date(),
            "cancelled_on": pl.Date(),
            "taken_on": pl.Date(),
        },
    )
    # two begun the same day: the later one recorded
    return frame.sort("account_id", "id").unique("account_id", keep="last")


def assess(
    arr: pl.DataFrame, as_of: date, open_sql: str, checkpoint: Checkpoint | None
) -> pl.DataFrame:
    """Per arrangement of ``arr``: the latest check's state (null: none yet), the breaches,
    and the expected and actual balance at the latest check."""
    from rentbook.arrangements import progress

    point, kept = progress.point_for(checkpoint, open_sql) if checkpoint else (None, None)
    return progress.advance(
        arr, point, kept, as_of, open_sql,
        final=True, upto_id=None, balance_now=lambda accounts: balances_now(as_of, accounts),
    ).drop("settled")  # fmt: skip


def balances_now(as_of: date, accounts: str) -> pl.DataFrame:
    """account_id and balance on ``as_of`` for the accounts ``accounts`` selects."""
    checkpoint = checkpoints_before(week_start(as_of))
    if checkpoint is None:
        rows = positions.read_balances(Rows(through=as_of), accounts)
        return rows.select("account_id", "balance")
    base = checkpoint_frame(checkpoint, accounts).select("account_id", "balance")
    recent = positions.read_balances(
        Rows(
            through=as_of,
            after=checkpoint.as_at,
            late_after_id=checkpoint.through_id,
            first_id=first_id(checkpoint),
        ),
        accounts,
    ).select("account_id", pl.col("balance").alias("recent"))
    return base.join(recent, on="account_id", how="full", coalesce=True).select(
        "account_id",
        balance=pl.col("balance").fill_null(0) + pl.col("recent").fill_null(0),
    )


def _months(d: pl.Expr) -> pl.Expr:
    return d.dt.year().cast(pl.Int64) * 12 + d.dt.month().cast(pl.Int64) - 1


def _month_start(index: pl.Expr) -> pl.Expr:
    return pl.date(index // 12, index % 12 + 1, 1)


def payments_due(arr: pl.DataFrame, last: pl.Expr) -> pl.DataFrame:
    """Each payment of each schedule that counts on or before the arrangement's last check
    day: arrangement id, the day it counts (its date + tolerance) and its amount."""
    tol = pl.duration(days=pl.col("tolerance_days"))
    lump = (
        arr.filter(pl.col("lump_sum") > 0)
        .with_columns(
            day=pl.col("lump_sum_on") + tol,
            amount=pl.min_horizontal("lump_sum", "starting_balance"),
        )
        .filter(pl.col("day") <= last)
        .select("id", "day", "amount")
    )
    a = arr.with_columns(
        left=(pl.col("starting_balance") - pl.min_horizontal("lump_sum", "starting_balance")).clip(
            0
        )
    ).filter(pl.col("left") > 0)
    one_off = pl.col("frequency") == Frequency.ONE_OFF.value
    monthly = pl.col("frequency") == Frequency.MONTHLY.value
    period = pl.col("frequency").replace_strict(
        {f.value: d for f, d in PERIOD_DAYS.items()}, default=None, return_dtype=pl.Int64
    )
    count = (
        pl.when(one_off)
        .then(1)
        .otherwise((pl.col("left") + pl.col("instalment") - 1) // pl.col("instalment"))
    )
    span = (
        pl.when(one_off)
        .then(0)
        .when(monthly)
        .then(_months(last) - _months(pl.col("first_payment")))
        .otherwise((last - pl.col("first_payment")).dt.total_days() // period)
    )
    a = a.with_columns(
        n=pl.min_horizontal(count, span + 1).clip(0),
    ).filter(pl.col("n") > 0)
    rows = a.with_columns(k=pl.int_ranges(0, "n")).explode("k")
    m = _months(pl.col("first_payment")) + pl.col("k")
    start_of_month = _month_start(m)
    month_len = start_of_month.dt.month_end().dt.day().cast(pl.Int64)
    by_day = start_of_month + pl.duration(
        days=pl.min_horizontal(
            pl.col("day_of_month").fill_null(pl.col("first_payment").dt.day().cast(pl.Int64)),
            month_len,
        )
        - 1
    )
    first_wd = start_of_month.dt.weekday().cast(pl.Int64) - 1  # Monday 0
    nth_day = start_of_month + pl.duration(
        days=(pl.col("weekday") - first_wd) % 7 + 7 * (pl.col("nth") - 1)
    )
    end = start_of_month.dt.month_end()
    last_wd = end - pl.duration(days=(end.dt.weekday().cast(pl.Int64) - 1 - pl.col("weekday")) % 7)
    due = (
        pl.when(one_off)
        .then(pl.col("first_payment"))
        .when(monthly & pl.col("nth").is_not_null() & (pl.col("nth") == -1))
        .then(last_wd)
        .when(monthly & pl.col("nth").is_not_null())
        .then(nth_day)
        .when(monthly)
        .then(by_day)
        .otherwise(pl.col("first_payment") + pl.duration(days=period * pl.col("k")))
    )
    amount = (
        pl.when(one_off)
        .then(pl.col("left"))
        .otherwise(
            pl.min_horizontal(
                pl.col("instalment"), pl.col("left") - pl.col("instalment") * pl.col("k")
            )
        )
    )
    instalments = (
        rows.with_columns(day=due + tol, amount=amount)
        .filter(pl.col("day") <= last)
        .select("id", "day", "amount")
    )
    return pl.concat([lump, instalments]).with_columns(pl.col("amount").cast(pl.Int64))


def run_facts(
    as_of: date,
    open_sql: str,
    *,
    arrangements: pl.DataFrame | None = None,
    checkpoint: Checkpoint | None = None,
) -> pl.DataFrame:
    """One row per open account (open_sql selects their ids) with an arrangement begun on or
    before as_of: account_id and the facts above, typed as policy/facts.py's SCHEMA.
    ``arrangements``: read_arrangements(as_of, open_sql) when the caller has it already.
    ``checkpoint``: the run's ledger checkpoint, whose progress point (progress.py) the
    checks are folded on from; None: every arrangement is worked out from its start."""
    arr = read_arrangements(as_of, open_sql) if arrangements is None else arrangements
    if arr.height == 0:
        return pl.DataFrame(schema=FACT_SCHEMA)
    result = assess(arr, as_of, open_sql, checkpoint)
    frame = arr.join(result, on="id", how="left")
    stale = (
        pl.when(pl.col("taken_on").is_not_null())
        .then(pl.col("taken_on") < as_of - timedelta(days=STALE_DAYS))
        .otherwise(pl.col("start") < as_of - timedelta(days=STALE_DAYS))
    )
    live = pl.col("state").fill_null("live") == "live"
    cancelled = pl.col("cancelled_on").is_not_null() & (pl.col("cancelled_on") <= as_of)
    ahead = pl.col("actual") <= pl.col("expected") - AHEAD_INSTALMENTS * pl.col("instalment")
    return frame.select(
        "account_id",
        arrangement_type=pl.when(pl.col("kind") == Kind.COURT_ORDERED.value)
        .then(pl.lit("formal"))
        .otherwise(pl.lit("informal")),
        arrangement_state=pl.when(cancelled & (pl.col("state").fill_null("") != "completed"))
        .then(pl.lit("cancelled"))
        .otherwise(pl.col("state").fill_null("live")),
        arrangement_start=pl.col("start"),
        arrangement_breaches=pl.col("breaches").fill_null(0) + pl.col("prior_breaches"),
        arrangement_review=pl.col("review_on"),
        arrangement_could_pay_more=live & ~cancelled & (stale | ahead.fill_null(False)),
    ).cast(FACT_SCHEMA)  # type: ignore[arg-type]
