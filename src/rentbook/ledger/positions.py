"""Every account's position at once, read with aggregating SQL, and the checkpoints that keep
the arrears run's cost independent of how many years of history the ledger holds.

A checkpoint (:class:`~rentbook.ledger.models.Checkpoint`), made at the end of a rent week,
summarises for every account the transactions posted on or before its date ``as_at`` whose id
is at most ``through_id``: the balance, the last payment's date, the last credit of each
stream that pays in arrears (Housing Benefit, Universal Credit managed payment, direct debit)
with the charges since the period it covered (the ledger's rule for technical arrears), and
the sums of the 17 weeks and 28 days before it that the run looks back over. A reader adds to
it only

- the *recent* rows: posted after ``as_at`` (up to the day it reads for), and
- the *late* rows: posted on or before ``as_at`` but with an id above ``through_id`` (a
  back-dated transaction imported after the checkpoint was made),

both found by one range of ids when they are all recent (``first_id_after``), else account
by account through the (account, posted_on) index. So a checkpoint never has to be rebuilt for
it to stay right; refreshing one (after each
transactions import, or by the run when its window has grown long) only keeps the recent part
short. A refresh folds the previous checkpoint with the rows since it, so its cost too grows
with recent activity, not with history; the first one reads the whole ledger once.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import (
    BENEFIT_METHODS,
    Account,
    AccountCheckpoint,
    Checkpoint,
    Kind,
    PaymentMethod,
    Transaction,
)

#: The streams that pay in arrears, by the prefix of their checkpoint columns.
STREAMS: dict[str, str] = {
    "hb": PaymentMethod.HOUSING_BENEFIT.value,
    "uc": PaymentMethod.UNIVERSAL_CREDIT.value,
    "dd": PaymentMethod.DIRECT_DEBIT.value,
}
STREAM_OF_METHOD = {m: s for s, m in STREAMS.items()}
STREAM_FIELDS = ("on", "id", "amount", "start", "end")
CHARGED_COLUMNS = tuple(f"{s}_charged" for s in STREAMS)

#: The complete weeks the run looks back over (missed payments: 13 scored after 4 that set
#: how far ahead the tenant had paid) and the days of the arrears trend.
LOOK_BACK_WEEKS = 17
TREND_DAYS = 28
LOOK_BACK_COLUMNS = ("weeks_charged", "weeks_tenant_paid", "weeks_net", "days_net")
#: How many checkpoints are kept (a run as of an earlier week can still use one).
KEEP = 4

TXN = Transaction._meta.db_table
CHECKPOINT_ROWS = AccountCheckpoint._meta.db_table


def checkpoint_date(today: date) -> date:
    """Where a checkpoint made on ``today`` is put: the end of the last complete rent week."""
    return week_start(today) - timedelta(days=1)


# ---- reading SQL into frames ----------------------------------------------------------------


def query_frame(sql: str, params: Sequence[object], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query on Django's connection; its columns, in order, typed by ``schema``.

    PostgreSQL streams the result out with COPY as CSV (several times faster than fetching
    rows into Python); SQLite fetches rows, and its dates come back as text or dates.
    """
    names = list(schema)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        pg = connection.connection
        text = psycopg.ClientCursor(pg).mogrify(sql, list(params))
        buf = io.BytesIO()
        with pg.cursor() as cur, cur.copy(f"COPY ({text}) TO STDOUT (FORMAT csv)") as copy:
            for chunk in copy:
                buf.write(chunk)
        if buf.tell() == 0:
            return pl.DataFrame(schema=schema)
        buf.seek(0)
        raw = pl.read_csv(
            buf,
            has_header=False,
            new_columns=names,
            schema_overrides={n: _csv_type(t) for n, t in schema.items()},
        )
        return raw.with_columns(_cast(n, raw[n].dtype, t) for n, t in schema.items())
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows, strict=True))
    frame = pl.DataFrame({n: pl.Series(n, columns[i], strict=False) for i, n in enumerate(names)})
    return frame.with_columns(_cast(n, frame[n].dtype, t) for n, t in schema.items())


def as_text(column: str) -> str:
    """A date column as SQLite hands it over fastest: its text, not a parsed date (an
    expression has no declared type, so no converter runs). PostgreSQL: the column."""
    return column if connection.vendor == "postgresql" else f"({column} || '')"


def _csv_type(t: pl.DataType) -> pl.DataType:
    return pl.Utf8() if t in (pl.Date, pl.Boolean) else t


def _cast(name: str, have: pl.DataType, want: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if have == want:
        return col
    if want == pl.Date and have == pl.Utf8:
        return col.str.slice(0, 10).str.to_date("%Y-%m-%d")
    if want == pl.Boolean and have == pl.Utf8:
        return col.is_in(["t", "true", "1"])
    return col.cast(want)


# ---- which rows a reader adds to a checkpoint -----------------------------------------------


@dataclass(frozen=True)
class Rows:
    """Transactions posted after ``after`` (None: from the start) up to ``through``, plus the
    late rows (id above ``late_after_id``, posted on or before ``after``); only ids up to
    ``upto_id`` when given, so that several queries see the same rows."""

    through: date
    after: date | None = None
    late_after_id: int | None = None
    upto_id: int | None = None
    # every row posted after ``after`` has an id at least this: read them by a range of ids
    first_id: int | None = None


COLUMNS = (
    "t.account_id, t.id, t.posted_on, t.kind, t.method, t.amount, t.period_start, t.period_end"
)


def row_source(rows: Rows, accounts_sql: str | None = None) -> tuple[str, list[object]]:
    """SQL selecting the rows (``COLUMNS``) of the accounts ``accounts_sql`` selects (a query
    returning ``id``; None: every account), using the (account, posted_on) index so that only
    the asked-for dates are read."""
    upto = " AND t.id <= %s" if rows.upto_id is not None else ""
    upto_p: list[object] = [rows.upto_id] if rows.upto_id is not None else []
    if rows.after is None:
        sql = f"SELECT {COLUMNS} FROM {TXN} t WHERE t.posted_on <= %s{upto}"
        params: list[object] = [rows.through, *upto_p]
        if accounts_sql:
            sql += f" AND t.account_id IN ({accounts_sql})"
        return sql, params
    accounts = accounts_sql or "SELECT id FROM ledger_account"
    # "+" keeps SQLite off the (account, posted_on) index where the primary key should lead
    plus = "" if connection.vendor == "postgresql" else "+"
    if rows.first_id is not None and rows.late_after_id is not None:
        # the rows a checkpoint lacks are all at the end of the table: one range of ids
        sql = (
            f"SELECT {COLUMNS} FROM {TXN} t WHERE t.id >= %s"
            f" AND ({plus}t.posted_on > %s OR t.id > %s) AND {plus}t.posted_on <= %s"
            f"{upto} AND {plus}t.account_id IN ({accounts})"
        )
        if plus:  # not flattened into a GROUP BY, which SQLite would walk the index for
            sql += " LIMIT -1"
        return sql, [rows.first_id, rows.after, rows.late_after_id, rows.through, *upto_p]
    if connection.vendor == "postgresql":
        # LATERAL with OFFSET 0: one index range scan per account, never a scan of history
        recent = (
            f"SELECT {COLUMNS} FROM ({accounts}) a CROSS JOIN LATERAL ("
            f"SELECT * FROM {TXN} t WHERE t.account_id = a.id AND t.posted_on > %s"
            f" AND t.posted_on <= %s{upto} OFFSET 0) t"
        )
    else:
        # SQLite: CROSS JOIN keeps the accounts as the outer loop
        recent = (
            f"SELECT {COLUMNS} FROM ({accounts}) a CROSS JOIN {TXN} t ON t.account_id = a.id"
            f" AND t.posted_on > %s AND t.posted_on <= %s{upto}"
        )
    params = [rows.after, rows.through, *upto_p]
    if rows.late_after_id is None:
        return recent, params
    # late rows are found by id (the primary key), never by account, whose index would walk
    # each account's whole history
    late = (
        f"SELECT {COLUMNS} FROM {TXN} t WHERE t.id > %s AND {plus}t.posted_on <= %s{upto}"
        f" AND {plus}t.account_id IN ({accounts})"
    )
    return f"{recent} UNION ALL {late}", [*params, rows.late_after_id, rows.after, *upto_p]


def _key_sql() -> str:
    """An orderable text key of (posted_on, id), so MAX picks the ledger's "last" row."""
    if connection.vendor == "postgresql":
        return "to_char(t.posted_on, 'YYYYMMDD') || lpad(t.id::text, 20, '0')"
    return "replace(t.posted_on, '-', '') || substr('00000000000000000000' || t.id, -20)"


BALANCE_SCHEMA = {"account_id": pl.Int64(), "balance": pl.Int64(), "last_payment_on": pl.Date()}


def read_balances(rows: Rows, accounts_sql: str | None = None) -> pl.DataFrame:
    """Per account: the sum of the rows and the date of the last payment among them."""
    source, params = row_source(rows, accounts_sql)
    sql = (
        "SELECT t.account_id, SUM(t.amount),"
        f" MAX(CASE WHEN t.kind = '{Kind.PAYMENT.value}' THEN t.posted_on END)"
        f" FROM ({source}) t GROUP BY t.account_id"
    )
    return query_frame(sql, params, BALANCE_SCHEMA)


CREDIT_SCHEMA = {
    "account_id": pl.Int64(),
    "stream": pl.Utf8(),
    "on": pl.Date(),
    "id": pl.Int64(),
    "amount": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
}


def read_last_credits(
    rows: Rows, accounts_sql: str | None = None, *, charged_through: date | None = None
) -> pl.DataFrame:
    """Per account and stream, the last credit among the rows (latest date, then highest id).

    With ``charged_through``, also ``charged_since``: the charges posted after the credit's
    cover (its period end, else its date) up to that day, read from the ledger itself.
    """
    source, params = row_source(rows, accounts_sql)
    methods = ", ".join(f"'{m}'" for m in STREAMS.values())
    last = (
        f"SELECT MAX({_key_sql()}) AS k FROM ({source}) t WHERE t.kind = '{Kind.PAYMENT.value}'"
        f" AND t.method IN ({methods}) GROUP BY t.account_id, t.method"
    )
    cast = "BIGINT" if connection.vendor == "postgresql" else "INTEGER"
    stream = " ".join(f"WHEN '{m}' THEN '{s}'" for s, m in STREAMS.items())
    select = (
        f"SELECT t.account_id, CASE t.method {stream} END, {as_text('t.posted_on')}, t.id,"
        f" -t.amount, {as_text('t.period_start')}, {as_text('t.period_end')}"
    )
    schema = dict(CREDIT_SCHEMA)
    if charged_through is not None:
        select += (
            f", (SELECT COALESCE(SUM(c.amount), 0) FROM {TXN} c WHERE c.account_id = t.account_id"
            f" AND c.kind = '{Kind.CHARGE.value}'"
            " AND c.posted_on > COALESCE(t.period_end, t.posted_on) AND c.posted_on <= %s)"
        )
        schema["charged_since"] = pl.Int64()
    sql = f"{select} FROM ({last}) s JOIN {TXN} t ON t.id = CAST(substr(s.k, 9) AS {cast})"
    extra = [charged_through] if charged_through is not None else []
    return query_frame(sql, [*extra, *params], schema)  # the select list comes first


# ---- checkpoints -----------------------------------------------------------------------------


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()


def checkpoint_frame(checkpoint: Checkpoint | None, accounts_sql: str | None = None):
    """The checkpoint's rows: balance, last payment and the streams' last credits (wide)."""
    schema: dict[str, pl.DataType] = {**BALANCE_SCHEMA}
    for s in STREAMS:
        for f in STREAM_FIELDS:
            schema[f"{s}_{f}"] = pl.Int64() if f in ("id", "amount") else pl.Date()
        schema[f"{s}_charged"] = pl.Int64()
    for c in LOOK_BACK_COLUMNS:
        schema[c] = pl.Utf8()
    if checkpoint is None:
        return pl.DataFrame(schema=schema)
    cols = ", ".join(as_text(c) if t == pl.Date() else c for c, t in schema.items())
    sql = f"SELECT {cols} FROM {CHECKPOINT_ROWS} WHERE checkpoint_id = %s"
    params: list[object] = [checkpoint.pk]
    if accounts_sql:
        sql += f" AND account_id IN ({accounts_sql})"
    return query_frame(sql, params, schema)


def credits_wide(credits: pl.DataFrame) -> pl.DataFrame:
    """Last credits (one row per account and stream) as one row per account."""
    out = pl.DataFrame(schema={"account_id": pl.Int64()})
    for s in STREAMS:
        part = credits.filter(pl.col("stream") == s).select(
            "account_id", *[pl.col(f).alias(f"{s}_{f}") for f in STREAM_FIELDS]
        )
        out = out.join(part, on="account_id", how="full", coalesce=True)
    return out


def fold(base: pl.DataFrame, balances: pl.DataFrame, credits: pl.DataFrame) -> pl.DataFrame:
    """A checkpoint's rows plus more rows' balances and last credits: a later checkpoint."""
    add = balances.join(credits_wide(credits), on="account_id", how="full", coalesce=True)
    both = base.join(add, on="account_id", how="full", coalesce=True, suffix="_new")
    exprs = [
        (pl.col("balance").fill_null(0) + pl.col("balance_new").fill_null(0)).alias("balance"),
        pl.max_horizontal("last_payment_on", "last_payment_on_new").alias("last_payment_on"),
    ]
    for s in STREAMS:
        newer = pl.col(f"{s}_on_new").is_not_null() & (
            pl.col(f"{s}_on").is_null()
            | (pl.col(f"{s}_on_new") > pl.col(f"{s}_on"))
            | (
                (pl.col(f"{s}_on_new") == pl.col(f"{s}_on"))
                & (pl.col(f"{s}_id_new") > pl.col(f"{s}_id"))
            )
        )
        for f in STREAM_FIELDS:
            exprs.append(
                pl.when(newer)
                .then(pl.col(f"{s}_{f}_new"))
                .otherwise(pl.col(f"{s}_{f}"))
                .alias(f"{s}_{f}")
            )
    return both.select("account_id", *exprs)


def checkpoints_before(day: date) -> Checkpoint | None:
    """The latest checkpoint dated before ``day``."""
    return Checkpoint.objects.filter(as_at__lt=day).order_by("-as_at", "-id").first()


def refresh_checkpoints(as_at: date, *, rebuild: bool = False) -> Checkpoint:
    """Make (or bring up to date) the checkpoint at ``as_at``, a Sunday, folding the latest
    earlier one forward unless ``rebuild``; only the newest ``KEEP`` checkpoints are kept.

    Readers in other transactions keep their snapshot of the old ones.
    """
    if as_at.weekday() != 6:
        raise ValueError(f"a checkpoint is made at the end of a rent week (a Sunday), not {as_at}")
    clock = time.perf_counter()
    no_jit()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"SELECT MAX(id) FROM {TXN}")
            through_id = cur.fetchone()[0] or 0
        same = Checkpoint.objects.filter(as_at=as_at).order_by("-id").first()
        if same is not None and same.through_id == through_id and not rebuild:
            return same
        previous = None if rebuild else checkpoints_before(as_at + timedelta(days=1))
        if previous is not None:
            base = checkpoint_frame(previous).drop(*LOOK_BACK_COLUMNS, *CHARGED_COLUMNS)
            rows = Rows(
                through=as_at,
                after=previous.as_at,
                late_after_id=previous.through_id,
                upto_id=through_id,
                first_id=first_id(previous),
            )
        else:
            base = checkpoint_frame(None).drop(*LOOK_BACK_COLUMNS, *CHARGED_COLUMNS)
            rows = Rows(through=as_at, upto_id=through_id)
        folded = fold(base, read_balances(rows), read_last_credits(rows))
        weeks, days = _read_look_back(as_at, through_id)
        first_after = read_first_id_after(as_at, through_id)
        return store_checkpoint(as_at, through_id, first_after, folded, weeks, days, clock)


def store_checkpoint(
    as_at: date,
    through_id: int,
    first_id_after: int | None,
    folded: pl.DataFrame,
    weeks: pl.DataFrame,
    days: pl.DataFrame,
    clock: float,
) -> Checkpoint:
    """Write a checkpoint (replacing one of the same date) from its accounts' balances and
    last credits (``fold``) and their look-back sums (``_read_look_back``'s shape); keep only
    the newest ``KEEP``. ``clock``: ``perf_counter()`` when making it began."""
    folded = folded.join(look_back_frame(weeks, days), on="account_id", how="left")
    Checkpoint.objects.filter(as_at=as_at).delete()
    checkpoint = Checkpoint.objects.create(
        as_at=as_at,
        through_id=through_id,
        first_id_after=first_id_after,
        made_at=timezone.now(),
        accounts=folded.height,
    )
    _write_rows(checkpoint, folded)
    _charged_after_cover(checkpoint)
    others = Checkpoint.objects.exclude(pk=checkpoint.pk).order_by("-as_at", "-id")
    for old in others[KEEP - 1 :]:
        old.delete()
    checkpoint.seconds = round(time.perf_counter() - clock, 3)
    checkpoint.save(update_fields=["seconds"])
    return checkpoint


#: Read a checkpoint's missing rows by a range of ids only while that range is at most this
#: share of the ledger (a row dated far ahead, posted long ago, would make it wide).
ID_RANGE_SHARE = 0.2


class Mark(Protocol):
    """What a checkpoint (or anything folded from one) holds of the ledger: rows posted on or
    before ``as_at`` with ids up to ``through_id``; those posted after ``as_at`` begin at id
    ``first_id_after`` (None: there were none)."""

    as_at: date
    through_id: int
    first_id_after: int | None


def first_id(checkpoint: Mark) -> int | None:
    """Where the rows a checkpoint lacks begin, if reading them by id range is worth it."""
    start = checkpoint.first_id_after
    if start is None:
        return checkpoint.through_id + 1
    if checkpoint.through_id - start <= ID_RANGE_SHARE * max(checkpoint.through_id, 1):
        return start
    return None


def read_first_id_after(as_at: date, through_id: int) -> int | None:
    source, params = row_source(Rows(through=date.max, after=as_at, upto_id=through_id))
    with connection.cursor() as cur:
        cur.execute(f"SELECT MIN(t.id) FROM ({source}) t", params)
        return cur.fetchone()[0]


def no_jit() -> None:
    """PostgreSQL's JIT compiles these large but quick queries for half a second each."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET jit = off")


def week_index_sql(monday: date, floor: int | None = None) -> str:
    """The rent week of t.posted_on counted from ``monday`` (0 that week, -1 the week
    before...); with ``floor``, every earlier week counted as that one."""
    if connection.vendor == "postgresql":
        days = f"(t.posted_on - DATE '{monday.isoformat()}')"
        week = f"({days} + 700000) / 7 - 100000"
        return week if floor is None else f"GREATEST({week}, {floor})"
    days = f"CAST(julianday(t.posted_on) - julianday('{monday.isoformat()}') AS INTEGER)"
    week = f"({days} + 700000) / 7 - 100000"
    return week if floor is None else f"MAX({week}, {floor})"


def _matrix(frame: pl.DataFrame, ids: dict[int, int], index: str, value: str, width: int):
    out = np.zeros((len(ids), width), dtype=np.int64)
    if frame.height:
        rows = frame.get_column("account_id").replace_strict(ids, return_dtype=pl.Int64)
        out[rows.to_numpy(), frame.get_column(index).to_numpy()] = frame.get_column(
            value
        ).to_numpy()
    return out


def _joined(matrix) -> pl.Series:  # type: ignore[no-untyped-def]
    # Column by column in Polars: going through Python lists took seconds per 100k accounts.
    columns = pl.DataFrame(matrix, schema=[f"c{i}" for i in range(matrix.shape[1])])
    return columns.select(pl.concat_str(pl.all().cast(pl.Utf8), separator=",")).to_series()


#: The look-back sums as read: by account and week (0 the oldest of ``LOOK_BACK_WEEKS``)...
WEEK_SCHEMA = {
    "account_id": pl.Int64(),
    "week": pl.Int64(),
    "charged": pl.Int64(),
    "tenant_paid": pl.Int64(),
    "net": pl.Int64(),
}
#: ... and by account and day (0 the oldest of ``TREND_DAYS``).
DAY_SCHEMA = {"account_id": pl.Int64(), "day": pl.Int64(), "net": pl.Int64()}


def look_back_start(as_at: date) -> tuple[date, date]:
    """The first day of the look-back weeks and of the trend's days that end on ``as_at``."""
    monday = as_at + timedelta(days=1)
    return monday - timedelta(weeks=LOOK_BACK_WEEKS), as_at - timedelta(days=TREND_DAYS - 1)


def _read_look_back(as_at: date, through_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each account's sums for the ``LOOK_BACK_WEEKS`` weeks and ``TREND_DAYS`` days up to
    ``as_at`` (``WEEK_SCHEMA``, ``DAY_SCHEMA``), read from the ledger."""
    monday = as_at + timedelta(days=1)
    first, day_one = look_back_start(as_at)
    source, params = row_source(
        Rows(through=as_at, after=first - timedelta(days=1), upto_id=through_id)
    )
    benefit = ", ".join(f"'{m}'" for m in sorted(BENEFIT_METHODS))
    pay, charge = Kind.PAYMENT.value, Kind.CHARGE.value
    weeks = query_frame(
        f"SELECT t.account_id, {week_index_sql(monday)} + {LOOK_BACK_WEEKS} AS wk,"
        f" SUM(CASE WHEN t.kind = '{charge}' THEN t.amount ELSE 0 END),"
        f" SUM(CASE WHEN t.kind = '{pay}' AND t.method NOT IN ({benefit})"
        " THEN -t.amount ELSE 0 END), SUM(t.amount)"
        f" FROM ({source}) t GROUP BY t.account_id, wk",
        params,
        WEEK_SCHEMA,
    )
    source, params = row_source(
        Rows(through=as_at, after=day_one - timedelta(days=1), upto_id=through_id)
    )
    if connection.vendor == "postgresql":
        day = f"(t.posted_on - DATE '{day_one.isoformat()}')"
    else:
        day = f"CAST(julianday(t.posted_on) - julianday('{day_one.isoformat()}') AS INTEGER)"
    days = query_frame(
        f"SELECT t.account_id, {day} AS d, SUM(t.amount) FROM ({source}) t"
        " GROUP BY t.account_id, d",
        params,
        DAY_SCHEMA,
    )
    return weeks, days


def look_back_frame(weeks: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Every account's look-back sums as comma-separated text, oldest first (zeros where an
    account had no rows)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {Account._meta.db_table}")
        ids = [r[0] for r in cur.fetchall()]
    position = {a: i for i, a in enumerate(ids)}
    w = LOOK_BACK_WEEKS
    return pl.DataFrame(
        {
            "account_id": pl.Series(ids, dtype=pl.Int64),
            "weeks_charged": _joined(_matrix(weeks, position, "week", "charged", w)),
            "weeks_tenant_paid": _joined(_matrix(weeks, position, "week", "tenant_paid", w)),
            "weeks_net": _joined(_matrix(weeks, position, "week", "net", w)),
            "days_net": _joined(_matrix(days, position, "day", "net", TREND_DAYS)),
        }
    )


def look_back_arrays(frame: pl.DataFrame, column: str, width: int):  # type: ignore[no-untyped-def]
    """A look-back text column as an (accounts x width) array; empty text is all zeros."""
    parts = frame.get_column(column).fill_null("").str.split(",")
    full = (parts.list.len() == width).to_numpy()
    values = np.zeros((frame.height, width), dtype=np.int64)
    if full.any():
        flat = parts.filter(pl.Series(full)).explode().cast(pl.Int64).to_numpy()
        values[full] = flat.reshape(-1, width)
    return values


#: A stream's charges since its last credit are kept only for credits this recent; an older
#: one is long overdue (nothing pending) unless its cycle is over a year, read by the run.
CHARGED_FOR_DAYS = 366


def _charged_after_cover(checkpoint: Checkpoint) -> None:
    """Each stream's charges after its last credit's cover, up to the checkpoint."""
    table = CHECKPOINT_ROWS
    for s in STREAMS:
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} SET {s}_charged = (SELECT COALESCE(SUM(c.amount), 0)"
                f" FROM {TXN} c WHERE c.account_id = {table}.account_id"
                f" AND c.kind = '{Kind.CHARGE.value}'"
                f" AND c.posted_on > COALESCE({table}.{s}_end, {table}.{s}_on)"
                " AND c.posted_on <= %s AND c.id <= %s)"
                f" WHERE checkpoint_id = %s AND {s}_on >= %s",
                [
                    checkpoint.as_at,
                    checkpoint.through_id,
                    checkpoint.pk,
                    checkpoint.as_at - timedelta(days=CHARGED_FOR_DAYS),
                ],
            )


def _write_rows(checkpoint: Checkpoint, folded: pl.DataFrame) -> None:
    frame = folded.with_columns(
        pl.col(LOOK_BACK_COLUMNS).fill_null(""),
        checkpoint_id=pl.lit(checkpoint.pk, dtype=pl.Int64),
    )
    columns = ["checkpoint_id", *BALANCE_SCHEMA]
    columns += [f"{s}_{f}" for s in STREAMS for f in STREAM_FIELDS]
    columns += list(LOOK_BACK_COLUMNS)
    bulk_insert(CHECKPOINT_ROWS, columns, frame.select(columns))


def bulk_insert(table: str, columns: list[str], frame: pl.DataFrame) -> None:
    """Insert a frame's rows inside the current transaction: COPY on PostgreSQL, executemany
    on SQLite. Null is null; text columns must not hold empty strings meant as values."""
    if frame.height == 0:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    if connection.vendor == "postgresql":
        buf = io.BytesIO()
        frame.write_csv(buf, include_header=False, quote_style="non_numeric", null_value="")
        connection.ensure_connection()
        copy_sql = f"COPY {qn(table)} ({cols}) FROM STDIN (FORMAT csv)"
        with connection.connection.cursor() as cur, cur.copy(copy_sql) as copy:
            copy.write(buf.getbuffer())
        return
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    marks = ", ".join("%s" for _ in columns)
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", frame.rows())
