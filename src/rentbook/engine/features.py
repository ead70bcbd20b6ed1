"""The run's snapshot: every open account's base facts (policy/facts.py) as one Polars frame.

Read with a handful of aggregating SQL queries over Django's DB-API connection, never row by
row: the ledger from a checkpoint plus only the recent and late rows (ledger/positions.py), so
the cost follows the number of accounts and recent activity, not years of history.

Which accounts: the rent account of every tenancy that has started on or before the as-of
day and has not ended before it. A former tenancy with a balance is left out, and so is every
former tenant account: the shipped policies' steps (letters, notices, court) are for current
tenants; former tenant arrears are recovery's work (rentbook.recovery).

The definitions, in full, are in docs/architecture.md ("The arrears run").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.db import connection

from rentbook.arrangements.facts import payments_due, read_arrangements
from rentbook.arrangements.facts import run_facts as arrangement_facts
from rentbook.banking.facts import run_facts as banking_facts
from rentbook.benefits.facts import expected_credits
from rentbook.benefits.facts import run_facts as benefit_facts
from rentbook.cases.codes import NOTICE_TYPES, REVIEW_CODES
from rentbook.cases.letter_facts import run_facts as letter_facts
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.ledger.balances import GRACE_DAYS
from rentbook.ledger.calendar import week_start
from rentbook.ledger.models import (
    BENEFIT_METHODS,
    Account,
    Benefit,
    ChargeLine,
    Checkpoint,
    Kind,
    PaymentMethod,
)
from rentbook.ledger.positions import (
    LOOK_BACK_COLUMNS,
    LOOK_BACK_WEEKS,
    STREAM_FIELDS,
    STREAMS,
    TREND_DAYS,
    TXN,
    Rows,
    as_text,
    checkpoint_frame,
    credits_wide,
    first_id,
    look_back_arrays,
    no_jit,
    query_frame,
    read_last_credits,
    row_source,
    week_index_sql,
)
from rentbook.legal.facts import run_facts as legal_facts
from rentbook.policy.facts import SCHEMA
from rentbook.portfolio.models import Property, Tenancy

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")

#: Missed payments are scored over the last 13 complete weeks, after 4 weeks that only set
#: how far ahead the tenant had paid (so a monthly payer is not "missing" three weeks a month).
SCORED_WEEKS = 13
WARM_UP_WEEKS = LOOK_BACK_WEEKS - SCORED_WEEKS
#: A week's share for the tenant below this (pence) is not an expected payment.
SHARE_TOLERANCE = 100
#: The ledger's benefit values as the policy language names them.
BENEFIT_FACT = {
    Benefit.NONE.value: "none",
    Benefit.HOUSING_BENEFIT.value: "hb",
    Benefit.UNIVERSAL_CREDIT.value: "uc",
    Benefit.UNIVERSAL_CREDIT_MANAGED.value: "uc_managed",
}
#: Where the facts recorded by later stages come from: each returns ``account_id`` and some of
#: the facts (arrangements; notices, court and eviction; letters); anything missing is null.
FACT_SOURCES: tuple[Callable[[date, str], pl.DataFrame], ...] = (
    arrangement_facts,
    legal_facts,
    letter_facts,
    banking_facts,
    benefit_facts,
)

ACCOUNT = Account._meta.db_table
TENANCY = Tenancy._meta.db_table
PROPERTY = Property._meta.db_table
CHARGES = ChargeLine._meta.db_table
DIARY = DiaryEntry._meta.db_table
PAUSES = Pause._meta.db_table
FLAGS = Flag._meta.db_table
#: Tenures under the Housing Act 1988: possession by a section 8 notice.
ASSURED_TENURES = ["assured", "assured_shorthold", "starter"]


def now_of(as_of: date) -> datetime:
    """The instant a run as of ``as_of`` decides for: the end of that day, London time."""
    return datetime.combine(as_of, time(23, 59, 59))


def _day(d: date) -> str:
    if not isinstance(d, date):
        raise TypeError(f"a date is needed, not {d!r}")
    text = d.isoformat()
    return f"DATE '{text}'" if connection.vendor == "postgresql" else f"'{text}'"


def _instant_param(wall: datetime) -> object:
    """A London wall-clock instant as a query parameter for a timestamp column."""
    aware = wall.replace(tzinfo=LONDON).astimezone(UTC)
    if connection.vendor == "postgresql":
        return aware
    return aware.replace(tzinfo=None).isoformat(sep=" ")


def open_accounts_sql(as_of: date) -> str:
    d = _day(as_of)
    return (
        f"SELECT a.id FROM {ACCOUNT} a JOIN {TENANCY} tn ON tn.id = a.tenancy_id"
        f" WHERE tn.start_date <= {d} AND (tn.end_date IS NULL OR tn.end_date >= {d})"
        " AND NOT a.former"
    )


@dataclass(frozen=True)
class Source:
    """Where the ledger part of a snapshot comes from: a checkpoint (plus recent and late
    rows) or, with ``checkpoint`` None, the whole history."""

    checkpoint: Checkpoint | None = None

    def rows(self, as_of: date) -> Rows:
        c = self.checkpoint
        if c is None:
            return Rows(through=as_of)
        return Rows(through=as_of, after=c.as_at, late_after_id=c.through_id, first_id=first_id(c))


def usable(checkpoint: Checkpoint | None, as_of: date) -> bool:
    """Whether a checkpoint lies before the as-of day's rent week."""
    return checkpoint is not None and checkpoint.as_at < week_start(as_of)


def build_features(as_of: date, source: Source | None = None) -> pl.DataFrame:
    """One row per open account: ``account_id``, ``patch_id``, ``reference``, ``payment_method``
    and every base fact of policy/facts.py, typed by its SCHEMA."""
    source = source or Source()
    if source.checkpoint is not None and not usable(source.checkpoint, as_of):
        raise ValueError(f"checkpoint as at {source.checkpoint.as_at} is too recent for {as_of}")
    no_jit()
    now = now_of(as_of)
    open_sql = open_accounts_sql(as_of)
    accounts = _accounts(as_of)
    base = checkpoint_frame(source.checkpoint, open_sql)
    weeks = _weeks(as_of, source, open_sql)
    look = _look_back(as_of, source, accounts, weeks, base)
    ledger = _ledger(as_of, source, open_sql, accounts, weeks, base, look)
    cases = _cases(as_of, now, open_sql)
    frame = accounts.join(ledger, on="account_id", how="left").join(
        cases, on="account_id", how="left"
    )
    # weeks and streams for the missed-payment count need the ledger part joined first
    arrangements = read_arrangements(as_of, open_sql)
    missed = _missed(as_of, frame, look, open_sql, arrangements)
    frame = frame.join(missed, on="account_id", how="left")
    frame = frame.with_columns(
        pl.lit(now, dtype=pl.Datetime("us")).alias("now"),
        pl.col("flags").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        pl.col("actions").fill_null(pl.lit([], dtype=SCHEMA["actions"])),
    )
    # A Housing Act 1988 tenancy (assured, assured shorthold, a housing association's starter)
    # is one the policies serve a section 8 notice on rather than a NOSP: its tenure says so.
    frame = frame.with_columns(
        pl.when(pl.col("tenure").is_in(ASSURED_TENURES))
        .then(pl.col("flags").list.concat(pl.lit(["assured_tenancy"])).list.unique().list.sort())
        .otherwise(pl.col("flags"))
        .alias("flags")
    )
    frame = _join_sources(frame, as_of, open_sql, arrangements, source.checkpoint)
    keep = ["account_id", "patch_id", "reference", "ledger_benefit", "payment_method"]
    return frame.select(*keep, *[pl.col(n).cast(t) for n, t in SCHEMA.items()]).sort("account_id")


def _join_sources(
    frame: pl.DataFrame,
    as_of: date,
    open_sql: str,
    arrangements: pl.DataFrame,
    checkpoint: Checkpoint | None,
) -> pl.DataFrame:
    for source in FACT_SOURCES:
        if source is arrangement_facts:  # with the arrangements the snapshot read already
            facts = arrangement_facts(
                as_of, open_sql, arrangements=arrangements, checkpoint=checkpoint
            )
        else:
            facts = source(as_of, open_sql)
        extra = [c for c in facts.columns if c != "account_id" and c not in frame.columns]
        if extra and facts.height:
            frame = frame.join(
                facts.select("account_id", *extra).with_columns(
                    pl.col("account_id").cast(pl.Int64)
                ),
                on="account_id",
                how="left",
            )
    missing = [n for n in SCHEMA if n not in frame.columns]
    return frame.with_columns(*[pl.lit(None, dtype=SCHEMA[n]).alias(n) for n in missing])


# ---- accounts --------------------------------------------------------------------------------


def _accounts(as_of: date) -> pl.DataFrame:
    d = _day(as_of)
    sql = (
        "SELECT a.id, a.reference, p.patch_id, a.benefit, a.payment_method,"
        f" {as_text('tn.start_date')}, {as_text('tn.end_date')}, COALESCE(w.charge, 0),"
        " tn.tenure"
        f" FROM {ACCOUNT} a"
        f" JOIN {TENANCY} tn ON tn.id = a.tenancy_id JOIN {PROPERTY} p ON p.id = tn.property_id"
        " LEFT JOIN (SELECT account_id, SUM(weekly_amount) AS charge"
        f" FROM {CHARGES} WHERE effective_from <= {d}"
        f" AND (effective_to IS NULL OR effective_to >= {d}) GROUP BY account_id) w"
        " ON w.account_id = a.id"
        f" WHERE tn.start_date <= {d} AND (tn.end_date IS NULL OR tn.end_date >= {d})"
        " AND NOT a.former"
    )
    frame = query_frame(
        sql,
        [],
        {
            "account_id": pl.Int64(),
            "reference": pl.Utf8(),
            "patch_id": pl.Int64(),
            "ledger_benefit": pl.Utf8(),
            "payment_method": pl.Utf8(),
            "tenancy_start": pl.Date(),
            "tenancy_end": pl.Date(),
            "weekly_charge": pl.Int64(),
            "tenure": pl.Utf8(),
        },
    )
    return frame.with_columns(
        benefit=pl.col("ledger_benefit").replace_strict(BENEFIT_FACT, default="none")
    )


# ---- the ledger ------------------------------------------------------------------------------


WEEK_SCHEMA = {
    "account_id": pl.Int64(),
    "week": pl.Int64(),
    "net": pl.Int64(),
    "recent": pl.Int64(),
    "charged": pl.Int64(),
    "tenant_paid": pl.Int64(),
    "paid": pl.Int64(),
    "last_paid": pl.Date(),
}


def _weeks(as_of: date, source: Source, open_sql: str) -> pl.DataFrame:
    """Per account and rent week of the look-back (older rows as one week): the sums."""
    rows, params = row_source(source.rows(as_of), open_sql)
    benefit = ", ".join(f"'{m}'" for m in sorted(BENEFIT_METHODS))
    pay, charge = Kind.PAYMENT.value, Kind.CHARGE.value
    edge = _day(as_of - timedelta(days=28))
    week = week_index_sql(week_start(as_of), -(LOOK_BACK_WEEKS + 1))
    sql = (
        f"SELECT t.account_id, {week} AS wk, SUM(t.amount),"
        f" SUM(CASE WHEN t.posted_on > {edge} THEN t.amount ELSE 0 END),"
        f" SUM(CASE WHEN t.kind = '{charge}' THEN t.amount ELSE 0 END),"
        f" SUM(CASE WHEN t.kind = '{pay}' AND t.method NOT IN ({benefit})"
        " THEN -t.amount ELSE 0 END),"
        f" SUM(CASE WHEN t.kind = '{pay}' THEN -t.amount ELSE 0 END),"
        f" MAX(CASE WHEN t.kind = '{pay}' THEN t.posted_on END)"
        f" FROM ({rows}) t GROUP BY t.account_id, wk"
    )
    return query_frame(sql, params, WEEK_SCHEMA)


@dataclass
class LookBack:
    """The 17 complete weeks before the as-of week, one row per account (in ``position``
    order): charges and tenant payments by week, the net of those weeks, and the trend's
    share held by the checkpoint."""

    position: dict[int, int]
    charged: np.ndarray
    paid: np.ndarray
    net: np.ndarray
    held_trend: np.ndarray


def _look_back(
    as_of: date, source: Source, accounts: pl.DataFrame, weeks: pl.DataFrame, base: pl.DataFrame
) -> LookBack:
    w = LOOK_BACK_WEEKS
    ids = accounts.get_column("account_id").to_list()
    position = {a: i for i, a in enumerate(ids)}
    n = len(ids)
    charged = np.zeros((n, w), dtype=np.int64)
    paid = np.zeros((n, w), dtype=np.int64)
    net = np.zeros(n, dtype=np.int64)
    held_trend = np.zeros(n, dtype=np.int64)
    inside = weeks.filter(pl.col("week") >= -w)
    if inside.height:
        rows = inside.get_column("account_id").replace_strict(position, default=-1).to_numpy()
        weeks_ = inside.get_column("week").to_numpy()
        ok = rows >= 0
        np.add.at(net, rows[ok], inside.get_column("net").to_numpy()[ok])
        past = ok & (weeks_ < 0)
        cols = weeks_[past] + w
        charged[rows[past], cols] += inside.get_column("charged").to_numpy()[past]
        paid[rows[past], cols] += inside.get_column("tenant_paid").to_numpy()[past]
    c = source.checkpoint
    if c is not None and base.height:
        rows = base.get_column("account_id").replace_strict(position, default=-1).to_numpy()
        ok = rows >= 0
        first = (c.as_at + timedelta(days=1) - week_start(as_of)).days // 7 - w
        held = {
            k: look_back_arrays(base, f"weeks_{k}", w) for k in ("charged", "tenant_paid", "net")
        }
        for j in range(w):
            week = first + j
            if week < -w:
                continue
            charged[rows[ok], week + w] += held["charged"][ok, j]
            paid[rows[ok], week + w] += held["tenant_paid"][ok, j]
            net[rows[ok]] += held["net"][ok, j]
        days = look_back_arrays(base, "days_net", TREND_DAYS)
        edge = as_of - timedelta(days=28)
        in_trend = np.array(
            [c.as_at - timedelta(days=TREND_DAYS - 1 - j) > edge for j in range(TREND_DAYS)]
        )
        held_trend[rows[ok]] = days[ok][:, in_trend].sum(axis=1)
    return LookBack(position, charged, paid, net, held_trend)


def _ledger(
    as_of: date,
    source: Source,
    open_sql: str,
    accounts: pl.DataFrame,
    weeks: pl.DataFrame,
    base: pl.DataFrame,
    look: LookBack,
) -> pl.DataFrame:
    sums = weeks.group_by("account_id").agg(
        pl.col("net").sum().alias("net"),
        pl.col("recent").sum().alias("arrears_trend"),
        pl.col("paid").filter(pl.col("week") == 0).sum().alias("paid_this_week"),
        pl.col("last_paid").max().alias("last_paid"),
    )
    frame = (
        accounts.select("account_id", "ledger_benefit", "payment_method", "weekly_charge")
        .with_columns(
            net_look_back=pl.Series(look.net, dtype=pl.Int64),
            held_trend=pl.Series(look.held_trend, dtype=pl.Int64),
        )
        .join(base.drop(LOOK_BACK_COLUMNS), on="account_id", how="left")
        .join(sums, on="account_id", how="left")
    )
    frame = frame.with_columns(
        arrears=pl.col("balance").fill_null(0) + pl.col("net").fill_null(0),
        arrears_trend=pl.col("arrears_trend").fill_null(0) + pl.col("held_trend"),
        paid_this_week=pl.col("paid_this_week").fill_null(0),
        last_payment_on=pl.max_horizontal("last_payment_on", "last_paid"),
    )
    frame = frame.with_columns(
        days_since_last_payment=(pl.lit(as_of) - pl.col("last_payment_on")).dt.total_days(),
        balance_before_look_back=pl.col("arrears") - pl.col("net_look_back").fill_null(0),
    )
    frame = _technical(as_of, frame, source, open_sql)
    return frame.select(
        "account_id",
        "arrears",
        "technical_arrears",
        "true_arrears",
        "paid_this_week",
        "days_since_last_payment",
        "arrears_trend",
        "balance_before_look_back",
        "benefit_weekly",
    )


def _applies(stream: str) -> pl.Expr:
    """Whether a stream pays in arrears for the account (the ledger's ``_streams``)."""
    if stream == "hb":
        return pl.col("ledger_benefit") == Benefit.HOUSING_BENEFIT.value
    if stream == "uc":
        return pl.col("ledger_benefit") == Benefit.UNIVERSAL_CREDIT_MANAGED.value
    return pl.col("payment_method") == PaymentMethod.DIRECT_DEBIT.value


def _technical(as_of: date, frame: pl.DataFrame, source: Source, open_sql: str) -> pl.DataFrame:
    """Technical arrears by the ledger's rule (balances.pending), for all accounts at once."""
    credits = read_last_credits(source.rows(as_of), open_sql, charged_through=as_of)
    recent = credits_wide(credits).join(
        credits.select(
            "account_id", pl.concat_str(pl.lit("since_"), "stream").alias("k"), "charged_since"
        ).pivot(on="k", index="account_id", values="charged_since")
        if credits.height
        else pl.DataFrame(schema={"account_id": pl.Int64()}),
        on="account_id",
        how="left",
    )
    frame = frame.join(recent, on="account_id", how="left", suffix="_r")
    expected = expected_credits(as_of, open_sql)
    frame = frame.join(expected, on="account_id", how="left")
    pendings = []
    fallback: list[tuple[int, str, date]] = []
    for s in STREAMS:
        for f in STREAM_FIELDS:
            if f"{s}_{f}_r" not in frame.columns:
                dtype = pl.Int64 if f in ("id", "amount") else pl.Date
                frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(f"{s}_{f}_r"))
        if f"since_{s}" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(f"since_{s}"))
        # the later of the checkpoint's credit and the recent rows' (date, then id)
        newer = pl.col(f"{s}_on_r").is_not_null() & (
            pl.col(f"{s}_on").is_null()
            | (pl.col(f"{s}_on_r") > pl.col(f"{s}_on"))
            | (
                (pl.col(f"{s}_on_r") == pl.col(f"{s}_on"))
                & (pl.col(f"{s}_id_r") > pl.col(f"{s}_id"))
            )
        )
        pick = {
            f: pl.when(newer).then(pl.col(f"{s}_{f}_r")).otherwise(pl.col(f"{s}_{f}"))
            for f in STREAM_FIELDS
        }
        cycle = (
            pl.when(pick["start"].is_not_null() & pick["end"].is_not_null())
            .then((pick["end"] - pick["start"]).dt.total_days() + 1)
            .otherwise(28)
        )
        on_time = (pl.lit(as_of) - pick["on"]).dt.total_days() <= cycle + GRACE_DAYS
        live = _applies(s) & pick["on"].is_not_null() & on_time
        frame = frame.with_columns(
            pl.when(newer).then(pl.lit(True)).otherwise(pl.lit(False)).alias(f"{s}_recent"),
            live.alias(f"{s}_live"),
            pick["amount"].alias(f"{s}_amount_p"),
            pl.coalesce(pick["end"], pick["on"]).alias(f"{s}_cover"),
            cycle.alias(f"{s}_cycle"),
        )
        # a live credit from the checkpoint: the charges it kept plus the rows' since
        if f"{s}_charged" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(f"{s}_charged"))
        old = frame.filter(
            pl.col(f"{s}_live") & ~pl.col(f"{s}_recent") & pl.col(f"{s}_charged").is_null()
        )
        fallback += [(a, s, c) for a, c in old.select("account_id", f"{s}_cover").iter_rows()]
        pendings.append(s)
    since_old = _charged_since(fallback, as_of)
    day_charges = _day_charges(as_of, source, open_sql)
    exprs = []
    for s in pendings:
        later = (
            frame.select("account_id", f"{s}_cover")
            .join(day_charges, on="account_id")
            .filter(pl.col("posted_on") > pl.col(f"{s}_cover"))
            .group_by("account_id")
            .agg(pl.col("amount").sum().alias(f"{s}_later"))
        )
        frame = frame.join(later, on="account_id", how="left")
        kept = pl.col(f"{s}_charged")
        if since_old:
            kept = kept.fill_null(
                pl.col("account_id").replace_strict(
                    {a: v for (a, st), v in since_old.items() if st == s},
                    default=None,
                    return_dtype=pl.Int64,
                )
            )
        charged = (
            pl.when(pl.col(f"{s}_recent"))
            .then(pl.col(f"since_{s}"))
            .otherwise(kept + pl.col(f"{s}_later").fill_null(0))
        )
        usual = (
            pl.when(pl.col(f"{s}_live"))
            .then(pl.max_horizontal(0, pl.min_horizontal(charged.fill_null(0), f"{s}_amount_p")))
            .otherwise(0)
        )
        if s == "uc":
            # what the DWP's schedule says is coming, while it is (balances.pending)
            usual = (
                pl.when(pl.col("uc_expected_on").is_not_null())
                .then(
                    pl.col("uc_expected_amount")
                    + pl.max_horizontal(
                        0, pl.min_horizontal("uc_expected_since", "uc_expected_next")
                    )
                )
                .otherwise(usual)
            )
        exprs.append(usual.alias(f"{s}_pending"))
    frame = frame.with_columns(exprs)
    total = pl.sum_horizontal([f"{s}_pending" for s in pendings])
    technical = pl.max_horizontal(0, pl.min_horizontal("arrears", total))
    # the managed benefit's weekly rate, for the tenant's share of each week
    benefit_weekly = pl.lit(0, dtype=pl.Int64)
    for s in ("hb", "uc"):
        benefit_weekly = (
            pl.when(pl.col(f"{s}_live"))
            .then(pl.col(f"{s}_amount_p") * 7 // pl.col(f"{s}_cycle"))
            .otherwise(benefit_weekly)
        )
    return frame.with_columns(
        technical_arrears=technical,
        true_arrears=pl.max_horizontal(0, pl.col("arrears") - technical),
        benefit_weekly=benefit_weekly,
    )


def _day_charges(as_of: date, source: Source, open_sql: str) -> pl.DataFrame:
    """Charges by account and day in the rows read beside a checkpoint (none without one)."""
    schema = {"account_id": pl.Int64(), "posted_on": pl.Date(), "amount": pl.Int64()}
    if source.checkpoint is None:
        return pl.DataFrame(schema=schema)
    rows, params = row_source(source.rows(as_of), open_sql)
    return query_frame(
        f"SELECT t.account_id, {as_text('t.posted_on')}, SUM(t.amount) FROM ({rows}) t"
        f" WHERE t.kind = '{Kind.CHARGE.value}' GROUP BY t.account_id, t.posted_on",
        params,
        schema,
    )


def _charged_since(wanted: list[tuple[int, str, date]], as_of: date) -> dict:
    """Charges after each (account, cover date), to ``as_of``: only for a stream whose last
    credit is in a checkpoint without its charges (over a year old) yet not overdue."""
    out = {}
    with connection.cursor() as cur:
        for account_id, stream, cover in wanted:
            cur.execute(
                f"SELECT COALESCE(SUM(amount), 0) FROM {TXN} WHERE account_id = %s"
                f" AND kind = '{Kind.CHARGE.value}' AND posted_on > %s AND posted_on <= %s",
                [account_id, cover, as_of],
            )
            out[(account_id, stream)] = int(cur.fetchone()[0])
    return out


# ---- missed payments -------------------------------------------------------------------------


def _missed(
    as_of: date, frame: pl.DataFrame, look: LookBack, open_sql: str, arrangements: pl.DataFrame
) -> pl.DataFrame:
    """Missed expected payments: consecutive, in the last 4 and in the last 13 weeks."""
    ids = frame.get_column("account_id").to_numpy()
    order = frame.get_column("account_id").replace_strict(look.position).to_numpy()
    charged, paid = look.charged[order], look.paid[order]
    position = {int(a): i for i, a in enumerate(ids)}
    n, w = len(ids), LOOK_BACK_WEEKS
    benefit = frame.get_column("benefit_weekly").fill_null(0).to_numpy()
    start = frame.get_column("balance_before_look_back").fill_null(0).to_numpy()
    share = np.where(charged > 0, np.maximum(0, charged - benefit[:, None]), 0)
    expected = share >= SHARE_TOLERANCE
    ahead = np.maximum(0, -start)  # a credit balance has paid ahead
    missed = np.zeros((n, w), dtype=bool)
    for k in range(w):
        ahead = ahead + paid[:, k]
        met = ahead >= share[:, k]
        missed[:, k] = expected[:, k] & ~met
        ahead = np.where(expected[:, k], np.where(met, ahead - share[:, k], 0), ahead)
    counts = missed.astype(np.int64)
    due = expected.astype(np.int64)
    # a promise to pay falling in a scored week is one more expected payment, on top of the
    # week's share: kept if the tenant paid the share plus the promised amount that week
    ptp_missed, ptp_due = _promises(as_of, open_sql, position, paid, share)
    counts += ptp_missed
    due += ptp_due
    # so is an arrangement's instalment (towards the arrears, on top of the week's share)
    arr_missed, arr_due = _instalments(as_of, arrangements, position, paid, share)
    counts += arr_missed
    due += arr_due
    scored = slice(w - SCORED_WEEKS, w)
    last4 = slice(w - 4, w)
    consecutive = np.zeros(n, dtype=np.int64)
    running = np.ones(n, dtype=bool)
    for k in range(w - 1, w - SCORED_WEEKS - 1, -1):
        has = due[:, k] > 0
        all_missed = counts[:, k] == due[:, k]
        consecutive += np.where(running & has & all_missed, counts[:, k], 0)
        running &= ~has | all_missed
    return pl.DataFrame(
        {
            "account_id": ids,
            "missed_payments_consecutive": consecutive,
            "missed_payments_4_weeks": counts[:, last4].sum(axis=1),
            "missed_payments_13_weeks": counts[:, scored].sum(axis=1),
        }
    )


def _promises(as_of, open_sql, position, paid, share):  # type: ignore[no-untyped-def]
    n, w = paid.shape
    monday = week_start(as_of)
    first = monday - timedelta(weeks=SCORED_WEEKS)
    sql = (
        f"SELECT d.account_id, {as_text('d.promise_date')}, d.promise_amount FROM {DIARY} d"
        f" WHERE d.code = 'PTP' AND d.promise_date >= {_day(first)}"
        f" AND d.promise_date < {_day(monday)} AND d.account_id IN ({open_sql})"
    )
    promises = query_frame(
        sql,
        [],
        {"account_id": pl.Int64(), "promise_date": pl.Date(), "promise_amount": pl.Int64()},
    )
    missed = np.zeros((n, w), dtype=np.int64)
    due = np.zeros((n, w), dtype=np.int64)
    for account_id, on, amount in promises.iter_rows():
        i = position.get(account_id)
        if i is None:
            continue
        k = w + (week_start(on) - monday).days // 7
        due[i, k] += 1
        wanted = share[i, k] + (amount if amount and amount > 0 else 1)
        if paid[i, k] < wanted:
            missed[i, k] += 1
    return missed, due


def _instalments(
    as_of: date,
    arr: pl.DataFrame,
    position: dict[int, int],
    paid: np.ndarray,
    share: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each scored week's arrangement instalments (the latest arrangement of each account, not
    cancelled by then, lump sum included): how many fell due, and how many of those were missed
    because the tenant paid less than the week's share plus the instalments that week."""
    n, w = paid.shape
    missed = np.zeros((n, w), dtype=np.int64)
    due = np.zeros((n, w), dtype=np.int64)
    monday = week_start(as_of)
    first = monday - timedelta(weeks=SCORED_WEEKS)
    if arr.height == 0:
        return missed, due
    # on the instalment's own day: the tolerance is the breach rule's, not the week's
    rows = payments_due(arr.with_columns(tolerance_days=pl.lit(0, pl.Int64)), pl.lit(monday))
    rows = (
        rows.filter((pl.col("day") >= first) & (pl.col("day") < monday))
        .join(arr.select("id", "account_id", "cancelled_on"), on="id")
        .filter(pl.col("cancelled_on").is_null() | (pl.col("day") < pl.col("cancelled_on")))
        .join(
            pl.DataFrame(
                {"account_id": list(position), "i": list(position.values())},
                schema={"account_id": pl.Int64, "i": pl.Int64},
            ),
            on="account_id",
        )
        .with_columns(k=w + (pl.col("day") - pl.lit(monday)).dt.total_days() // 7)
        .group_by("i", "k")
        .agg(pl.len().alias("count"), pl.col("amount").sum())
    )
    if rows.height == 0:
        return missed, due
    i, k = rows.get_column("i").to_numpy(), rows.get_column("k").to_numpy()
    count = rows.get_column("count").to_numpy().astype(np.int64)
    due[i, k] = count
    short = paid[i, k] < share[i, k] + rows.get_column("amount").to_numpy()
    missed[i, k] = np.where(short, count, 0)
    return missed, due


# ---- the case: diary, pauses, flags ------------------------------------------------------------


def _at_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return column


def _wall(col: str) -> pl.Expr:
    """A UTC timestamp read as text, as London wall time (the facts' instants)."""
    text = pl.col(col).str.slice(0, 26)
    text = pl.when(text.str.len_chars() == 19).then(text + ".000000").otherwise(text)
    return (
        text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone("Europe/London")
        .dt.replace_time_zone(None)
        .alias(col)
    )


def _cases(as_of: date, now: datetime, open_sql: str) -> pl.DataFrame:
    at = _instant_param(now)
    diary = query_frame(
        f"SELECT d.account_id, d.id, d.code, {_at_sql('d.at')} FROM {DIARY} d"
        # an imported note, or a code the landlord's mapping does not give, is not an action
        f" WHERE d.at <= %s AND d.category <> 'none' AND d.account_id IN ({open_sql})",
        [at],
        {"account_id": pl.Int64(), "id": pl.Int64(), "code": pl.Utf8(), "at": pl.Utf8()},
    ).with_columns(_wall("at"))
    diary = diary.sort("account_id", "at", "id")
    # the last action is the latest communication: a person's review (a data check, a
    # vulnerability review) is in the history but does not reset a letter's sequence
    spoken = ~pl.col("code").is_in(list(REVIEW_CODES))
    last = diary.group_by("account_id").agg(
        pl.col("code").filter(spoken).last().alias("last_action_code"),
        pl.col("at").filter(spoken).last().alias("last_action_at"),
        pl.struct("code", "at").alias("actions"),
    )
    notices = (
        diary.filter(pl.col("code").is_in(list(NOTICE_TYPES)))
        .group_by("account_id")
        .agg(pl.col("code").last().alias("notice_code"), pl.col("at").last().alias("served"))
        .select(
            "account_id",
            pl.col("notice_code").replace_strict(NOTICE_TYPES).alias("notice_type"),
            pl.col("served").alias("notice_served"),
        )
    )
    # the pause holding the case: as cases.services.active_pause (the latest started)
    pauses = query_frame(
        f"SELECT p.account_id, {as_text('p.until')}, p.reason FROM {PAUSES} p"
        " WHERE p.starts_at <= %s AND (p.lifted_at IS NULL OR p.lifted_at > %s)"
        f" AND p.until >= {_day(as_of)} AND p.account_id IN ({open_sql})"
        " ORDER BY p.account_id, p.starts_at, p.id",
        [at, at],
        {"account_id": pl.Int64(), "until": pl.Date(), "reason": pl.Utf8()},
    )
    # a pause holds through its last day: the fact is the instant that day ends
    pauses = pauses.group_by("account_id", maintain_order=True).agg(
        (pl.col("until").last().cast(pl.Datetime("us")) + pl.duration(days=1)).alias("pause_until"),
        pl.col("reason").last().alias("pause_reason"),
    )
    flags = query_frame(
        f"SELECT f.account_id, f.type FROM {FLAGS} f WHERE f.starts_on <= {_day(as_of)}"
        f" AND (f.ends_on IS NULL OR f.ends_on >= {_day(as_of)})"
        f" AND f.account_id IN ({open_sql})",
        [],
        {"account_id": pl.Int64(), "type": pl.Utf8()},
    )
    flags = flags.group_by("account_id").agg(pl.col("type").unique().sort().alias("flags"))
    out = last
    for part in (notices, pauses, flags):
        out = out.join(part, on="account_id", how="full", coalesce=True)
    return out
