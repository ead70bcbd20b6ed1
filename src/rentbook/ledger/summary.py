"""Each account's transactions summed by rent month and kind, so that what a period needs
(balances at its edges, sums by kind inside it) is read from a few rows per account instead of
the whole history.

Three tables (ledger/models.py): :class:`AccountMonth` (one row per account and rent month
with activity: the sum of each kind, and the first and last posting dates summed),
:class:`AccountTotal` (each account's balance) and :class:`LedgerSummary` (the watermark: the
summary holds exactly the transactions with ids up to ``through_id``).

A *rent month* is the rent weeks whose Monday falls in one calendar month; it starts on that
month's first Monday. Rent years start on the first Monday of April, so a rent year, and most
rent quarters, start on a rent month's first day.

:func:`period_sums` answers for any period, in one SQL statement (one snapshot, so a refresh
running beside it cannot be counted twice or missed):

- the rent months from the one holding the period's start onwards;
- the transactions of the partial rent months at the period's edges, read through the
  (account, posted_on) index and only for accounts whose month's first or last posting date
  says they have any outside the period;
- the transactions above the watermark (posted since the last refresh, including back-dated
  ones), found by id.

So its cost grows with the accounts and how recent the period is, not with years of history.
:func:`refresh` folds the transactions above the watermark in (its cost grows with them);
the import door calls it after each transactions import, and migration 0008 builds it once
from the whole ledger. :func:`period_sums_raw` is the same answer read from the ledger alone:
the property tests hold the two equal.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import (
    BENEFIT_METHODS,
    Account,
    AccountCredit,
    AccountMonth,
    AccountTotal,
    Kind,
    LedgerSummary,
    Transaction,
)
from rentbook.ledger.positions import no_jit, query_frame

TXN = Transaction._meta.db_table
MONTHS = AccountMonth._meta.db_table
TOTALS = AccountTotal._meta.db_table
STATE = LedgerSummary._meta.db_table
CREDITS = AccountCredit._meta.db_table
#: The streams that pay in arrears (ledger/balances.py): their credits are kept per account.
STREAM_METHODS = ("housing_benefit", "universal_credit", "direct_debit")

#: The summed columns: one per ledger kind (the column is the kind's value), ``benefit``, the
#: payments made by Housing Benefit, Universal Credit or DHP, and ``returned``, the reversals
#: of money received or paid back (a reversal carrying a method: a returned direct debit, a
#: payment posted in error), which count against what was collected.
KIND_COLUMNS = tuple(k.value for k in Kind)
SUM_COLUMNS = (*KIND_COLUMNS, "benefit", "returned")

SUMS_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "opening": pl.Int64(),
    "closing": pl.Int64(),
    **{c: pl.Int64() for c in SUM_COLUMNS},
}


def rent_month(d: date) -> date:
    """The rent month holding ``d``: the first day of the calendar month of its week's Monday."""
    return week_start(d).replace(day=1)


def first_monday(month: date) -> date:
    return month + timedelta(days=(7 - month.weekday()) % 7)


def month_span(month: date) -> tuple[date, date]:
    """The first and last days of rent month ``month``."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_monday(month), first_monday(following) - timedelta(days=1)


def _month_sql(column: str) -> str:
    """The rent month of a date column, as a date, in SQL."""
    if connection.vendor == "postgresql":
        monday = f"{column} - (CAST(EXTRACT(ISODOW FROM {column}) AS integer) - 1)"
        return f"CAST(date_trunc('month', {monday}) AS date)"
    return f"date({column}, '-6 days', 'weekday 1', 'start of month')"


def _day(d: date) -> str:
    return f"DATE '{d.isoformat()}'" if connection.vendor == "postgresql" else f"'{d.isoformat()}'"


def _kind_sums(alias: str, sign: str = "") -> dict[str, str]:
    """Per-kind expressions over rows ``alias`` (amount signed as posted, times ``sign``)."""
    benefit = ", ".join(f"'{m}'" for m in sorted(BENEFIT_METHODS))
    out = {
        k: f"CASE WHEN {alias}.kind = '{k}' THEN {sign}{alias}.amount ELSE 0 END"
        for k in KIND_COLUMNS
    }
    out["benefit"] = (
        f"CASE WHEN {alias}.kind = '{Kind.PAYMENT.value}' AND {alias}.method IN ({benefit})"
        f" THEN {sign}{alias}.amount ELSE 0 END"
    )
    out["returned"] = (
        f"CASE WHEN {alias}.kind = '{Kind.REVERSAL.value}' AND {alias}.method <> ''"
        f" THEN {sign}{alias}.amount ELSE 0 END"
    )
    return out


def money_in(alias: str) -> str:
    """SQL: row ``alias`` is money received or its reversal (a returned direct debit, a
    payment posted in error): summed, what was collected net of what came back."""
    return (
        f"({alias}.kind = '{Kind.PAYMENT.value}'"
        f" OR ({alias}.kind = '{Kind.REVERSAL.value}' AND {alias}.method <> ''))"
    )


WATERMARK = f"COALESCE((SELECT MAX(through_id) FROM {STATE}), 0)"


# ---- refreshing --------------------------------------------------------------------------------


def refresh(*, rebuild: bool = False) -> LedgerSummary:
    """Fold the transactions posted since the last refresh into the summary (all of them when
    ``rebuild``, after emptying it). Concurrent refreshes wait for each other."""
    clock = time.perf_counter()
    no_jit()
    with transaction.atomic():
        state = LedgerSummary.objects.select_for_update().filter(pk=1).first()
        if state is None:
            state, _ = LedgerSummary.objects.get_or_create(pk=1)
            state = LedgerSummary.objects.select_for_update().get(pk=1)
        if rebuild:
            AccountMonth.objects.all().delete()
            AccountTotal.objects.all().delete()
            AccountCredit.objects.all().delete()
            state.through_id = 0
        with connection.cursor() as cur:
            cur.execute(f"SELECT MAX(id) FROM {TXN}")
            upto = cur.fetchone()[0] or 0
            if upto > state.through_id:
                _fold(cur, state.through_id, upto)
                fold_credits(cur, state.through_id, upto)
        state.through_id = max(state.through_id, upto)
        state.made_at = timezone.now()
        state.seconds = round(time.perf_counter() - clock, 3)
        state.save()
    return state


def _fold(cur, after_id: int, upto_id: int) -> None:  # type: ignore[no-untyped-def]
    pg = connection.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if pg else ("MIN", "MAX")
    month = _month_sql("t.posted_on")
    sums = ", ".join(f"SUM({e})" for e in _kind_sums("t").values())
    cols = ", ".join(SUM_COLUMNS)
    add = ", ".join(f"{c} = {MONTHS}.{c} + excluded.{c}" for c in SUM_COLUMNS)
    # in month order, so that a month's rows lie together and a period reads few pages
    order = " ORDER BY 2, 1" if pg else ""
    cur.execute(
        f"INSERT INTO {MONTHS} (account_id, month, first_on, last_on, {cols})"
        f" SELECT t.account_id, {month}, MIN(t.posted_on), MAX(t.posted_on), {sums}"
        f" FROM {TXN} t WHERE t.id > %s AND t.id <= %s GROUP BY t.account_id, {month}{order}"
        f" ON CONFLICT (month, account_id) DO UPDATE SET"
        f" first_on = {least}({MONTHS}.first_on, excluded.first_on),"
        f" last_on = {greatest}({MONTHS}.last_on, excluded.last_on), {add}",
        [after_id, upto_id],
    )
    cur.execute(
        f"INSERT INTO {TOTALS} (account_id, balance)"
        f" SELECT t.account_id, SUM(t.amount) FROM {TXN} t WHERE t.id > %s AND t.id <= %s"
        f" GROUP BY t.account_id"
        f" ON CONFLICT (account_id) DO UPDATE SET balance = {TOTALS}.balance + excluded.balance",
        [after_id, upto_id],
    )


def fold_credits(cur, after_id: int, upto_id: int) -> None:  # type: ignore[no-untyped-def]
    """Bring each account's last credits up to ``upto_id``: charges among the new rows are
    added to the credits they follow; a newer credit replaces its stream's, and its charges
    are then summed from the ledger (through the account's index, from its cover on)."""
    charge, methods = Kind.CHARGE.value, ", ".join(f"'{m}'" for m in STREAM_METHODS)
    cover = "COALESCE(c.period_end, c.posted_on)"
    cur.execute(
        f"UPDATE {CREDITS} SET charged = {CREDITS}.charged + x.amount FROM ("
        f"SELECT c.id, SUM(t.amount) AS amount FROM {CREDITS} c JOIN {TXN} t"
        f" ON t.account_id = c.account_id WHERE t.id > %s AND t.id <= %s"
        f" AND t.kind = '{charge}' AND t.posted_on > {cover} GROUP BY c.id) x"
        f" WHERE {CREDITS}.id = x.id AND {CREDITS}.charged IS NOT NULL",
        [after_id, upto_id],
    )
    newer = (
        f"excluded.posted_on > {CREDITS}.posted_on OR (excluded.posted_on = {CREDITS}.posted_on"
        f" AND excluded.txn_id > {CREDITS}.txn_id)"
    )
    cur.execute(
        f"INSERT INTO {CREDITS}"
        " (account_id, method, txn_id, posted_on, amount, period_start, period_end, charged)"
        " SELECT account_id, method, id, posted_on, amount, period_start, period_end, NULL FROM ("
        "SELECT t.account_id, t.method, t.id, t.posted_on, t.amount, t.period_start,"
        " t.period_end, ROW_NUMBER() OVER (PARTITION BY t.account_id, t.method"
        f" ORDER BY t.posted_on DESC, t.id DESC) AS rn FROM {TXN} t"
        f" WHERE t.id > %s AND t.id <= %s AND t.kind = '{Kind.PAYMENT.value}'"
        f" AND t.method IN ({methods})) n WHERE n.rn = 1"
        " ON CONFLICT (account_id, method) DO UPDATE SET txn_id = excluded.txn_id,"
        " posted_on = excluded.posted_on, amount = excluded.amount,"
        " period_start = excluded.period_start, period_end = excluded.period_end, charged = NULL"
        f" WHERE {newer}",
        [after_id, upto_id],
    )
    fill_charged(cur, upto_id)


def fill_charged(cur, upto_id: int) -> None:  # type: ignore[no-untyped-def]
    """Sum the charges after its cover for each kept credit that has none yet (through the
    account's index, from its cover on)."""
    cur.execute(
        f"UPDATE {CREDITS} SET charged = COALESCE((SELECT SUM(t.amount) FROM {TXN} t"
        f" WHERE t.account_id = {CREDITS}.account_id AND t.kind = '{Kind.CHARGE.value}'"
        f" AND t.posted_on > COALESCE({CREDITS}.period_end, {CREDITS}.posted_on)"
        " AND t.id <= %s), 0) WHERE charged IS NULL",
        [upto_id],
    )


# ---- reading -----------------------------------------------------------------------------------


def _raw_part(accounts: str, lo: date, hi: date, *, exclusive_hi: bool) -> str:
    """The SQL for the transactions (up to the watermark) of the accounts ``accounts`` selects
    (as ``m.account_id``) posted from ``lo`` to ``hi``: one index range per account."""
    below = "<" if exclusive_hi else "<="
    where = (
        f"t.account_id = m.account_id AND t.posted_on >= {_day(lo)}"
        f" AND t.posted_on {below} {_day(hi)} AND t.id <= {WATERMARK}"
    )
    cols = "t.account_id, t.kind, t.method, t.amount"
    if connection.vendor == "postgresql":
        # LATERAL with OFFSET 0: one index range per account, never a scan of the ledger
        lateral = f"SELECT * FROM {TXN} t WHERE {where} OFFSET 0"
        return f"SELECT {cols} FROM ({accounts}) m CROSS JOIN LATERAL ({lateral}) t"
    return f"SELECT {cols} FROM ({accounts}) m CROSS JOIN {TXN} t ON {where}"


def period_sums_sql(start: date, end: date, columns: tuple[str, ...] = SUM_COLUMNS) -> str:
    """SQL for :data:`SUMS_SCHEMA` rows (with only the sums ``columns``) from the summary, its
    partial months and the rows above its watermark (see the module's docstring). Each part
    is summed by account before they are added up, so the last step is small."""
    if end < start:
        raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
    first, last = rent_month(start), rent_month(end)
    first_day, last_day = month_span(first)[0], month_span(last)[1]
    s, e, f, la = _day(start), _day(end), _day(first), _day(last)
    zeros = ", ".join(f"0 AS {c}" for c in columns)
    # the first part names the columns (SQLite has no column list for a derived table)
    parts = [f"SELECT account_id, balance AS opening, balance AS closing, {zeros} FROM {TOTALS}"]
    net = " + ".join(KIND_COLUMNS)
    in_period = ", ".join(f"SUM({c})" for c in columns)
    parts.append(
        f"SELECT account_id, -SUM({net}), 0, {in_period} FROM {MONTHS}"
        f" WHERE month >= {f} AND month <= {la} GROUP BY account_id"
    )
    zero_sums = ", ".join("0" for _ in columns)
    parts.append(
        f"SELECT account_id, -SUM({net}), -SUM({net}), {zero_sums} FROM {MONTHS}"
        f" WHERE month > {la} GROUP BY account_id"
    )

    def raw_sums(raw: str, opening: str, closing: str) -> str:
        kinds = _kind_sums("r", "-")
        sums = ", ".join(f"SUM({kinds[c]})" for c in columns)
        return (
            f"SELECT r.account_id, {opening}, {closing}, {sums} FROM ({raw}) r"
            " GROUP BY r.account_id"
        )

    if start > first_day:
        # rows of the first month before the period: opening balance, not the period's sums
        accounts = f"SELECT account_id FROM {MONTHS} WHERE month = {f} AND first_on < {s}"
        raw = _raw_part(accounts, first_day, start, exclusive_hi=True)
        parts.append(raw_sums(raw, "SUM(r.amount)", "0"))
    if end < last_day:
        # rows of the last month after the period: neither the closing balance nor the sums
        accounts = f"SELECT account_id FROM {MONTHS} WHERE month = {la} AND last_on > {e}"
        raw = _raw_part(accounts, end + timedelta(days=1), last_day, exclusive_hi=False)
        parts.append(raw_sums(raw, "0", "-SUM(r.amount)"))
    kinds = _kind_sums("t")
    inside = ", ".join(
        f"SUM(CASE WHEN t.posted_on >= {s} AND t.posted_on <= {e} THEN ({kinds[c]}) ELSE 0 END)"
        for c in columns
    )
    # SQLite would group through the (account, posted_on) index, scanning every row of the
    # ledger (3.3 s at 100,000 tenancies for 22,000 rows above the watermark); "+" hides the
    # index from GROUP BY, so the rows are found by id
    group = "t.account_id" if connection.vendor == "postgresql" else "+t.account_id"
    parts.append(
        f"SELECT t.account_id, SUM(CASE WHEN t.posted_on < {s} THEN t.amount ELSE 0 END),"
        f" SUM(CASE WHEN t.posted_on <= {e} THEN t.amount ELSE 0 END), {inside}"
        f" FROM {TXN} t WHERE t.id > {WATERMARK} GROUP BY {group}"
    )
    union = " UNION ALL ".join(parts)
    sums = ", ".join(f"SUM(x.{c})" for c in ("opening", "closing", *columns))
    return f"SELECT x.account_id, {sums} FROM ({union}) x GROUP BY x.account_id"


def period_sums(start: date, end: date, columns: tuple[str, ...] = SUM_COLUMNS) -> pl.DataFrame:
    """Per account with any transaction: the balance before ``start`` (``opening``), at the
    end of ``end`` (``closing``), and the sum of each of ``columns`` (kinds, or ``benefit``)
    over the days from ``start`` to ``end`` (signed as posted: payments are negative)."""
    no_jit()
    if connection.vendor == "postgresql":
        # the default 4 MB spills the sums of 100,000 accounts to disk, doubling the time
        with connection.cursor() as cur:
            cur.execute("SET work_mem = '64MB'")
    schema = {c: SUMS_SCHEMA[c] for c in ("account_id", "opening", "closing", *columns)}
    return query_frame(period_sums_sql(start, end, columns), [], schema)


def period_sums_raw(start: date, end: date) -> pl.DataFrame:
    """:func:`period_sums` read from the ledger alone (every row up to ``end``)."""
    s, e = _day(start), _day(end)
    inside = [
        f"SUM(CASE WHEN t.posted_on >= {s} THEN ({x}) ELSE 0 END)" for x in _kind_sums("t").values()
    ]
    sql = (
        f"SELECT t.account_id, SUM(CASE WHEN t.posted_on < {s} THEN t.amount ELSE 0 END),"
        f" SUM(t.amount), {', '.join(inside)} FROM {TXN} t WHERE t.posted_on <= {e}"
        " GROUP BY t.account_id"
    )
    return query_frame(sql, [], SUMS_SCHEMA)


CREDIT_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "method": pl.Utf8(),
    "amount": pl.Int64(),
    "posted_on": pl.Date(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "charged_since": pl.Int64(),
}


def _text(column: str) -> str:
    return column if connection.vendor == "postgresql" else f"({column} || '')"


def last_credits_raw(end: date, accounts: list[int], look_back: timedelta) -> pl.DataFrame:
    """Per account of ``accounts`` and stream, its last credit posted in the ``look_back``
    to ``end`` (positive ``amount``) with the charges posted after its cover up to ``end``:
    read from the ledger, account by account through the (account, posted_on) index."""
    if not accounts:
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    e, lo = _day(end), _day(end - look_back)
    ids = ", ".join(str(int(i)) for i in accounts)
    last = " UNION ALL ".join(
        f"SELECT (SELECT t.id FROM {TXN} t WHERE t.account_id = a.id AND t.posted_on <= {e}"
        f" AND t.posted_on >= {lo} AND t.kind = '{Kind.PAYMENT.value}' AND t.method = '{m}'"
        f" ORDER BY t.posted_on DESC, t.id DESC LIMIT 1) AS id"
        f" FROM (SELECT id FROM {Account._meta.db_table} WHERE id IN ({ids})) a"
        for m in STREAM_METHODS
    )
    sql = (
        f"SELECT lc.account_id, lc.method, -lc.amount, {_text('lc.posted_on')},"
        f" {_text('lc.period_start')}, {_text('lc.period_end')},"
        f" COALESCE((SELECT SUM(x.amount) FROM {TXN} x WHERE x.account_id = lc.account_id"
        f" AND x.kind = '{Kind.CHARGE.value}'"
        f" AND x.posted_on > COALESCE(lc.period_end, lc.posted_on) AND x.posted_on <= {e}), 0)"
        f" FROM ({last}) k JOIN {TXN} lc ON lc.id = k.id"
    )
    return query_frame(sql, [], CREDIT_SCHEMA)


def _charges_after(end: date, ids: str) -> str:
    """SQL: per account, the charges up to the watermark posted after ``end``."""
    month = rent_month(end)
    last_day, la, e = month_span(month)[1], _day(month), _day(end)
    parts = [
        f"SELECT account_id, charge AS amount FROM {MONTHS}"
        f" WHERE month > {la} AND charge <> 0 AND account_id IN ({ids})"
    ]
    if end < last_day:
        accounts = (
            f"SELECT account_id FROM {MONTHS} WHERE month = {la} AND last_on > {e}"
            f" AND account_id IN ({ids})"
        )
        raw = _raw_part(accounts, end + timedelta(days=1), last_day, exclusive_hi=False)
        parts.append(f"SELECT r.account_id, r.amount FROM ({raw}) r WHERE r.kind = 'charge'")
    union = " UNION ALL ".join(parts)
    return f"SELECT x.account_id, SUM(x.amount) FROM ({union}) x GROUP BY x.account_id"


def last_credits(end: date, accounts: list[int], look_back: timedelta) -> pl.DataFrame:
    """:func:`last_credits_raw` from the kept last credits: the charges after ``end`` are
    taken off each credit's, from the rent months. Accounts the kept credits cannot answer
    for (a credit posted after ``end``, or rows above the watermark) are read from the
    ledger. Read again if a refresh lands in between, so every part sees one summary."""
    if not accounts:
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    no_jit()
    ids = ", ".join(str(int(i)) for i in accounts)
    e, lo = _day(end), _day(end - look_back)
    while True:
        before = _watermark()
        slow = query_frame(
            f"SELECT DISTINCT account_id FROM {TXN} WHERE id > {before}"
            f" UNION SELECT account_id FROM {CREDITS} WHERE (posted_on > {e} OR charged IS NULL)"
            f" AND account_id IN ({ids})",
            [],
            {"account_id": pl.Int64()},
        )
        kept = query_frame(
            f"SELECT c.account_id, c.method, -c.amount, {_text('c.posted_on')},"
            f" {_text('c.period_start')}, {_text('c.period_end')},"
            f" CASE WHEN COALESCE(c.period_end, c.posted_on) >= {e} THEN NULL ELSE c.charged END"
            f" FROM {CREDITS} c WHERE c.account_id IN ({ids})"
            f" AND c.posted_on >= {lo} AND c.posted_on <= {e}",
            [],
            CREDIT_SCHEMA,
        )
        after = query_frame(
            _charges_after(end, ids), [], {"account_id": pl.Int64(), "after": pl.Int64()}
        )
        if _watermark() == before:
            break
    fast = (
        kept.join(slow, on="account_id", how="anti")
        .join(after, on="account_id", how="left")
        .with_columns(
            # a cover reaching the end has no charges after it by then
            charged_since=(pl.col("charged_since") - pl.col("after").fill_null(0)).fill_null(0)
        )
        .drop("after")
    )
    wanted = set(accounts)
    rest = [a for a in slow["account_id"].to_list() if a in wanted]
    return pl.concat([fast, last_credits_raw(end, rest, look_back)])


def _watermark() -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {WATERMARK}")
        return int(cur.fetchone()[0])
