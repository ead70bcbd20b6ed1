"""Each arrangement's checks folded forward from the last ledger checkpoint, so the run reads
the days since it rather than every day since each arrangement began.

An arrangement's state on a day is the end of a sequence of checks (facts.py): each payment's
day plus the tolerance, then the day itself. Each check's state depends only on the schedule
and the balance that day, and the breach count on the state of the check before. So the
checks up to a checkpoint's day can be worked out once and kept (a :class:`ProgressPoint`
with one :class:`ArrangementProgress` row per arrangement), and a later day's facts are the
kept state with the checks since folded in:

- a point is made the first time a run reads from its checkpoint: folded on from the latest
  earlier point (the checks between the two days), or from each arrangement's start when
  there is none;
- an arrangement is worked out from its start again, never folded, when its terms changed
  since the point was made, when it is not in the point, or when the ledger holds rows
  posted on or before the point's day that the point did not see (late rows);
- the checks made at a point are the payments' days only: the day itself is checked when the
  facts are read, as facts.py checks it.

The answer is the same as working every arrangement out from its start
(tests/arrangements/test_progress.py holds the two equal).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import polars as pl
from django.db import connection

from rentbook.arrangements.facts import (
    ARR,
    EPOCH,
    TXN,
    day_sql,
    latest_sql,
    payments_due,
    read_arrangements,
)
from rentbook.arrangements.models import ArrangementProgress, ProgressPoint
from rentbook.ledger.models import Checkpoint
from rentbook.ledger.positions import (
    Mark,
    Rows,
    as_text,
    bulk_insert,
    checkpoint_frame,
    first_id,
    query_frame,
    row_source,
)

#: How many points are kept: this week's and the last, for the run folding on from it.
KEEP = 2
#: The arrangement's fields its checks depend on: a point is used only while they match.
TERMS = (
    "start",
    "first_payment",
    "frequency",
    "day_of_month",
    "weekday",
    "nth",
    "instalment",
    "lump_sum",
    "lump_sum_on",
    "tolerance_days",
    "tolerance_pence",
    "starting_balance",
    "cancelled_on",
)
PRIOR_SCHEMA = {
    "id": pl.Int64(),
    "from_day": pl.Date(),
    "state": pl.Utf8(),
    "breaches": pl.Int64(),
    "expected": pl.Int64(),
    "actual": pl.Int64(),
}
PROGRESS_SCHEMA = {
    "id": pl.Int64(),
    "state": pl.Utf8(),
    "breaches": pl.Int64(),
    "expected": pl.Int64(),
    "actual": pl.Int64(),
    "settled": pl.Boolean(),
}
ROWS_SCHEMA = {
    "arrangement_id": pl.Int64(),
    "account_id": pl.Int64(),
    "terms": pl.Utf8(),
    "balance": pl.Int64(),
    "state": pl.Utf8(),
    "breaches": pl.Int64(),
    "expected": pl.Int64(),
    "actual": pl.Int64(),
    "settled": pl.Boolean(),
}


def terms(arr: pl.DataFrame) -> pl.Expr:
    """The terms the checks depend on, as one text per arrangement."""
    return pl.concat_str(
        [pl.col(c).cast(pl.Utf8).fill_null("-") for c in TERMS], separator="|"
    ).alias("terms")


def fold(
    arr: pl.DataFrame,
    prior: pl.DataFrame,
    balances: pl.DataFrame,
    as_of: date,
    *,
    final: bool,
) -> pl.DataFrame:
    """Fold each arrangement's checks after its ``from_day`` (``prior``: one row per
    arrangement of ``arr``, PRIOR_SCHEMA, with the state, breaches and latest figures so far)
    up to ``as_of``, on ``balances`` (account_id, day, balance: a row on or before each
    from_day, then the end of each day with a movement). ``final``: check ``as_of`` itself,
    as the facts do; a point checks only the payments' days. A cancelled arrangement's last
    check is the day before it was cancelled, whether or not ``final``.

    Returns PROGRESS_SCHEMA per arrangement; ``state`` null while no check has been made."""
    if arr.height == 0:
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    cancelled = pl.col("cancelled_on").is_not_null() & (pl.col("cancelled_on") <= as_of)
    arr = arr.with_columns(
        last=pl.when(cancelled)
        .then(pl.col("cancelled_on") - pl.duration(days=1))
        .otherwise(pl.lit(as_of)),
        cancelled=cancelled,
    )
    due = payments_due(arr, pl.col("last")).with_columns(day_only=pl.lit(False))
    last_check = pl.col("cancelled") | pl.lit(final)
    ends = arr.filter(last_check & (pl.col("last") >= pl.col("start"))).select(
        "id", day=pl.col("last"), amount=pl.lit(0, dtype=pl.Int64), day_only=pl.lit(True)
    )
    starts = arr.select("id", "start", "account_id", "starting_balance", "tolerance_pence").join(
        prior.select("id", "from_day", prior_state="state"), on="id"
    )
    checks = (
        pl.concat([due, ends])
        .group_by("id", "day")
        .agg(pl.col("amount").sum(), pl.col("day_only").all())
        .sort("id", "day")
        # what had come due by each check counts every payment, even one before the start
        .with_columns(counted=pl.col("amount").cum_sum().over("id"))
        .join(starts, on="id")
        .filter(pl.col("day") >= pl.col("start"))
        # new checks: after the prior ones; the day itself if the prior did not check it
        .filter(
            (pl.col("day") > pl.col("from_day"))
            | ((pl.col("day") == pl.col("from_day")) & pl.col("day_only"))
        )
        .with_columns(expected=(pl.col("starting_balance") - pl.col("counted")).clip(0))
        .sort("account_id", "day")
    )
    checks = checks.join_asof(
        balances.sort("account_id", "day"),
        on="day",
        by="account_id",
        strategy="backward",
        check_sortedness=False,
    ).with_columns(actual=pl.col("balance").fill_null(0))
    state = (
        pl.when(pl.col("actual") <= 0)
        .then(pl.lit("completed"))
        .when(pl.col("actual") > pl.col("expected") + pl.col("tolerance_pence"))
        .then(pl.lit("breached"))
        .otherwise(pl.lit("live"))
    )
    checks = checks.sort("id", "day").with_columns(state=state)
    done = (pl.col("state") == "completed").cast(pl.Int64)
    checks = checks.filter((done.cum_sum().over("id") - done) == 0)
    before = pl.col("state").shift(1).over("id").fill_null(pl.col("prior_state")).fill_null("live")
    checks = checks.with_columns(
        broke=((pl.col("state") == "breached") & (before != "breached")).cast(pl.Int64)
    )
    new = checks.group_by("id").agg(
        pl.col("state").last().alias("new_state"),
        pl.col("broke").sum().alias("new_breaches"),
        pl.col("expected").last().alias("new_expected"),
        pl.col("actual").last().alias("new_actual"),
    )
    out = (
        arr.select("id", "cancelled")
        .join(prior.rename({"state": "prior_state"}), on="id", how="left")
        .join(new, on="id", how="left")
        .with_columns(
            state=pl.coalesce("new_state", "prior_state"),
            breaches=pl.col("breaches").fill_null(0) + pl.col("new_breaches").fill_null(0),
            expected=pl.coalesce("new_expected", "expected"),
            actual=pl.coalesce("new_actual", "actual"),
        )
    )
    return out.with_columns(
        settled=(pl.col("state") == "completed").fill_null(False) | pl.col("cancelled")
    ).select(*PROGRESS_SCHEMA)


def _priors_from_start(arr: pl.DataFrame) -> pl.DataFrame:
    """No check made yet: every check from the arrangement's start is new."""
    return arr.select(
        "id",
        from_day=pl.col("start") - pl.duration(days=1),
        state=pl.lit(None, dtype=pl.Utf8),
        breaches=pl.lit(0, dtype=pl.Int64),
        expected=pl.lit(None, dtype=pl.Int64),
        actual=pl.lit(None, dtype=pl.Int64),
    ).cast(PRIOR_SCHEMA)  # type: ignore[arg-type]


MOVES_SCHEMA = {"account_id": pl.Int64(), "day": pl.Date(), "amount": pl.Int64()}


def arrangement_accounts(day: date, open_sql: str, ids: list[int] | None = None) -> str:
    """SQL selecting (as ``id``) the open accounts with an arrangement begun by ``day``;
    only those of ``ids`` when given."""
    among = f" AND account_id IN ({', '.join(map(str, ids)) or 'NULL'})" if ids is not None else ""
    return (
        f"SELECT account_id AS id FROM {ARR} WHERE start <= {day_sql(day)}"
        f" AND account_id IN ({open_sql}){among} GROUP BY account_id"
    )


def movements_since_start(
    day: date, open_sql: str, ids: list[int] | None, upto_id: int | None = None
) -> pl.DataFrame:
    """MOVES_SCHEMA: each account's movements by day from its latest arrangement's start to
    ``day`` (ids up to ``upto_id`` when given), one index range an account; the accounts of
    ``ids`` only, when given."""
    latest = latest_sql(day, open_sql)
    if ids is not None:
        among = arrangement_accounts(day, open_sql, ids)
        latest = f"SELECT * FROM ({latest}) l WHERE l.account_id IN ({among})"
    upto = f" AND t.id <= {int(upto_id)}" if upto_id is not None else ""
    d = day_sql(day)
    if connection.vendor == "postgresql":
        source = (
            f"FROM ({latest}) la CROSS JOIN LATERAL (SELECT t.posted_on, t.amount FROM {TXN} t"
            f" WHERE t.account_id = la.account_id AND t.posted_on >= la.start"
            f" AND t.posted_on <= {d}{upto} OFFSET 0) t"
        )
    else:
        source = (
            f"FROM ({latest}) la CROSS JOIN {TXN} t ON t.account_id = la.account_id"
            f" AND t.posted_on >= la.start AND t.posted_on <= {d}{upto}"
        )
    sql = (
        f"SELECT la.account_id, {as_text('t.posted_on')}, SUM(t.amount) {source}"
        " GROUP BY la.account_id, t.posted_on"
    )
    return query_frame(sql, [], MOVES_SCHEMA)


def balances_from_start(moves: pl.DataFrame, now: pl.DataFrame) -> pl.DataFrame:
    """account_id, day, balance: the balance before the arrangement began (day EPOCH), then at
    the end of each day with a movement, from the movements since its start and the balance
    at their end (``now``: account_id, balance)."""
    since = moves.group_by("account_id").agg(pl.col("amount").sum().alias("since"))
    opening = now.join(since, on="account_id", how="left").select(
        "account_id",
        day=pl.lit(EPOCH, dtype=pl.Date),
        amount=pl.col("balance") - pl.col("since").fill_null(0),
    )
    return _running(opening, moves)


def _running(opening: pl.DataFrame, moves: pl.DataFrame) -> pl.DataFrame:
    return (
        pl.concat([opening, moves.select("account_id", "day", "amount")])
        .sort("account_id", "day")
        .with_columns(balance=pl.col("amount").cum_sum().over("account_id"))
        .select("account_id", "day", "balance")
    )


def moves_after(
    mark: Mark, through: date, accounts_sql: str, upto_id: int | None
) -> tuple[pl.DataFrame, set[int]]:
    """The movements by day after ``mark`` up to ``through`` of the accounts
    ``accounts_sql`` selects, and the accounts with late rows (posted on or before the
    mark's day, unseen by it)."""
    rows = Rows(
        through=through,
        after=mark.as_at,
        late_after_id=mark.through_id,
        upto_id=upto_id,
        first_id=first_id(mark),
    )
    source, params = row_source(rows, accounts_sql)
    sql = (
        f"SELECT r.account_id, {as_text('r.posted_on')}, SUM(r.amount) FROM ({source}) r"
        " GROUP BY r.account_id, r.posted_on"
    )
    moves = query_frame(sql, params, MOVES_SCHEMA)
    late = moves.filter(pl.col("day") <= mark.as_at)
    return moves.filter(pl.col("day") > mark.as_at), set(late.get_column("account_id"))


def advance(
    arr: pl.DataFrame,
    point: ProgressPoint | None,
    kept: pl.DataFrame | None,
    day: date,
    open_sql: str,
    *,
    final: bool,
    upto_id: int | None,
    balance_now: Callable[[str], pl.DataFrame],
) -> pl.DataFrame:
    """PROGRESS_SCHEMA for each arrangement of ``arr`` on ``day``: folded on from ``point``
    (its rows ``kept``) where they can be, the rest worked out from their starts.
    ``balance_now(accounts_sql)``: account_id, balance on ``day`` of those accounts (for the
    balance before each arrangement began)."""
    arr = arr.with_columns(terms(arr))
    usable = pl.DataFrame(schema={"id": pl.Int64()})
    parts = []
    if point is not None and kept is not None and kept.height:
        moves, late = moves_after(point, day, arrangement_accounts(day, open_sql), upto_id)
        matched = arr.select("id", "account_id", "terms").join(
            kept.rename({"arrangement_id": "id", "terms": "kept_terms"}).drop("account_id"),
            on="id",
        )
        matched = matched.filter(
            (pl.col("terms") == pl.col("kept_terms")) & ~pl.col("account_id").is_in(list(late))
        )
        usable = matched.select("id")
        parts.append(matched.filter("settled").select(*PROGRESS_SCHEMA))
        going = matched.filter(~pl.col("settled"))
        if going.height:
            prior = going.select(
                "id", from_day=pl.lit(point.as_at, dtype=pl.Date), state="state",
                breaches="breaches", expected="expected", actual="actual",
            )  # fmt: skip
            opening = going.select(
                "account_id", day=pl.lit(point.as_at, dtype=pl.Date), amount="balance"
            )
            moving = moves.join(going.select("account_id"), on="account_id", how="semi")
            folding = arr.join(going.select("id"), on="id", how="semi")
            parts.append(fold(folding, prior, _running(opening, moving), day, final=final))
    fresh = arr.join(usable, on="id", how="anti")
    if fresh.height:
        ids = None if fresh.height == arr.height else fresh.get_column("account_id").to_list()
        moves = movements_since_start(day, open_sql, ids, upto_id)
        now = balance_now(arrangement_accounts(day, open_sql, ids)).join(
            fresh.select("account_id"), on="account_id", how="semi"
        )
        balances = balances_from_start(moves, now)
        parts.append(fold(fresh, _priors_from_start(fresh), balances, day, final=final))
    if not parts:
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    return pl.concat([p.cast(PROGRESS_SCHEMA) for p in parts])  # type: ignore[arg-type]


def kept_rows(point: ProgressPoint) -> pl.DataFrame:
    table = ArrangementProgress._meta.db_table
    cols = ", ".join(ROWS_SCHEMA)
    return query_frame(f"SELECT {cols} FROM {table} WHERE point_id = %s", [point.pk], ROWS_SCHEMA)


def point_for(checkpoint: Checkpoint, open_sql: str) -> tuple[ProgressPoint, pl.DataFrame]:
    """The progress point at ``checkpoint``, made now (folded on from the latest earlier one)
    unless it was made already; and its rows."""
    found = (
        ProgressPoint.objects.filter(as_at=checkpoint.as_at, through_id=checkpoint.through_id)
        .order_by("-id")
        .first()
    )
    if found is not None:
        return found, kept_rows(found)
    clock = time.perf_counter()
    before = (
        ProgressPoint.objects.filter(
            as_at__lt=checkpoint.as_at, through_id__lte=checkpoint.through_id
        )
        .order_by("-as_at", "-id")
        .first()
    )
    day = checkpoint.as_at
    arr = read_arrangements(day, open_sql)

    # the balances the checkpoint holds: kept with the point, and the end of the movements
    # of an arrangement worked out from its start
    then = checkpoint_frame(checkpoint, arrangement_accounts(day, open_sql))
    then = then.select("account_id", "balance")
    progress = advance(
        arr, before, kept_rows(before) if before else None, day, open_sql,
        final=False, upto_id=checkpoint.through_id, balance_now=lambda _: then,
    )  # fmt: skip
    rows = (
        arr.select(pl.col("id").alias("arrangement_id"), "account_id", terms(arr))
        .join(progress.rename({"id": "arrangement_id"}), on="arrangement_id")
        .join(then, on="account_id", how="left")
        .with_columns(pl.col("balance").fill_null(0))
        .select(*ROWS_SCHEMA)
    )
    point = ProgressPoint.objects.create(
        as_at=day,
        through_id=checkpoint.through_id,
        first_id_after=checkpoint.first_id_after,
        arrangements=rows.height,
    )
    bulk_insert(
        ArrangementProgress._meta.db_table,
        ["point_id", *ROWS_SCHEMA],
        rows.with_columns(point_id=pl.lit(point.pk, dtype=pl.Int64)).select(
            "point_id", *ROWS_SCHEMA
        ),
    )
    for old in ProgressPoint.objects.exclude(pk=point.pk).order_by("-id")[KEEP - 1 :]:
        old.delete()
    point.seconds = round(time.perf_counter() - clock, 3)
    point.save(update_fields=["seconds"])
    return point, rows
