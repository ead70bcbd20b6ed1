"""Performance indicators: plain functions over (period, scope), read with a few aggregating
SQL queries and computed with Polars, never account by account.

:func:`load` reads one frame per account (balances at the period's edges and at the
tenancy's end, sums in the period), one per tenancy (for re-lets and empty homes), the last
credit of each stream that pays in arrears (technical arrears) and the diary counts. Every
indicator is then a small function of that :class:`Data` and a :class:`Scope`, so the
landlord and every patch cost one read. docs/indicators.md defines each exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection

from rentbook.ledger.calendar import rent_year, rent_year_of
from rentbook.ledger.models import Account, ChargeLine, Transaction
from rentbook.ledger.positions import as_text, no_jit, query_frame
from rentbook.ledger.summary import last_credits, money_in, period_sums
from rentbook.portfolio.models import Patch, Property, Tenancy

TXN = Transaction._meta.db_table
ACCOUNT = Account._meta.db_table
TENANCY = Tenancy._meta.db_table
PROPERTY = Property._meta.db_table
PATCH = Patch._meta.db_table
CHARGES = ChargeLine._meta.db_table

#: The ledger's rule for technical arrears (ledger/balances.py): a stream's next credit is
#: still on its way until its cycle plus this many days have passed.
GRACE_DAYS = 10
#: How far back a stream's last credit can matter: an older one is overdue (no cycle is longer
#: than a quarter), so nothing is pending from it.
CREDIT_LOOK_BACK = timedelta(days=100)
#: HS4b: tenants owing more than this many weeks' rent, excluding those owing under £250.
WEEKS_13 = 13
SMALL_DEBT = 25_000
LONDON = ZoneInfo("Europe/London")


def sql_day(d: date) -> str:
    text = d.isoformat()
    return f"DATE '{text}'" if connection.vendor == "postgresql" else f"'{text}'"


# ---- periods and scopes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: date
    end: date
    label: str = ""
    #: For a period not yet over, shown to a day: the day the whole rent year or quarter ends.
    whole_end: date | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def name(self) -> str:
        return self.label or f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def whole(self) -> date:
        return self.whole_end or self.end

    def to(self, day: date) -> Period:
        """The period so far, to ``day`` (for a period not yet over)."""
        return Period(self.start, day, f"{self.name} to {day:%d %b %Y}", self.end)

    @classmethod
    def year(cls, year: int) -> Period:
        """Rent year ``year`` (first Monday of April to the day before the next)."""
        from rentbook.ledger.calendar import RentFreeRule

        ry = rent_year(year, RentFreeRule())
        return cls(ry.start, ry.end, f"{year}/{str(year + 1)[-2:]}")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        """Quarter ``q`` (1-4) of rent year ``year``: 13 weeks each, the last to the year end."""
        if q not in (1, 2, 3, 4):
            raise ValueError("a quarter is 1, 2, 3 or 4")
        ry = cls.year(year)
        start = ry.start + timedelta(weeks=13 * (q - 1))
        end = ry.end if q == 4 else start + timedelta(weeks=13, days=-1)
        return cls(start, end, f"Q{q} {ry.label}")

    @classmethod
    def of_day(cls, d: date, kind: str = "year") -> Period:
        year = rent_year_of(d)
        if kind == "year":
            return cls.year(year)
        y = cls.year(year)
        q = min(4, (d - y.start).days // 91 + 1)
        return cls.quarter(year, q)


class ScopeKind:
    LANDLORD = "landlord"
    AREA = "area"
    PATCH = "patch"
    OFFICER = "officer"
    ALL = (LANDLORD, AREA, PATCH, OFFICER)


@dataclass(frozen=True)
class Scope:
    """The landlord, an area, a patch or an officer (the patches the officer is assigned to)."""

    kind: str = ScopeKind.LANDLORD
    id: int | None = None
    label: str = "Whole landlord"
    patch_ids: frozenset[int] | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    def patches(self) -> frozenset[int] | None:
        """The patch ids this scope covers; None means every patch."""
        if self.kind == ScopeKind.LANDLORD:
            return None
        if self.patch_ids is not None:
            return self.patch_ids
        if self.id is None:
            return frozenset()
        if self.kind == ScopeKind.AREA:
            return frozenset(Patch.objects.filter(area_id=self.id).values_list("id", flat=True))
        if self.kind == ScopeKind.PATCH:
            return frozenset({int(self.id)})
        return frozenset(Patch.objects.filter(officers__id=self.id).values_list("id", flat=True))

    @classmethod
    def landlord(cls) -> Scope:
        return cls()

    @classmethod
    def of(cls, kind: str, id: int) -> Scope:
        from rentbook.portfolio.models import Area, User

        if kind == ScopeKind.AREA:
            area = Area.objects.get(pk=id)
            ids = frozenset(area.patches.values_list("id", flat=True))
            return cls(kind, id, f"Area {area.name}", ids)
        if kind == ScopeKind.PATCH:
            patch = Patch.objects.get(pk=id)
            return cls(kind, id, f"Patch {patch}", frozenset({patch.pk}))
        if kind == ScopeKind.OFFICER:
            user = User.objects.get(pk=id)
            ids = frozenset(user.patches.values_list("id", flat=True))
            return cls(kind, id, f"Officer {user.display_name}", ids)
        if kind == ScopeKind.LANDLORD:
            return cls()
        raise ValueError(f"unknown scope {kind!r}")


# ---- reading ---------------------------------------------------------------------------------

ACCOUNT_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "reference": pl.Utf8(),
    "patch_id": pl.Int64(),
    "payment_method": pl.Utf8(),
    "benefit": pl.Utf8(),
    "tenancy_start": pl.Date(),
    "tenancy_end": pl.Date(),
    "weekly_charge": pl.Int64(),
    "opening": pl.Int64(),
    "closing": pl.Int64(),
    "charged": pl.Int64(),
    "paid": pl.Int64(),
    "refunded": pl.Int64(),
    "written_off": pl.Int64(),
    "at_leaving": pl.Int64(),
    "ft_opening": pl.Int64(),
    "ft_collected": pl.Int64(),
    "ft_written_off": pl.Int64(),
}


SUMS_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "opening": pl.Int64(),
    "closing": pl.Int64(),
    "charged": pl.Int64(),
    "paid": pl.Int64(),
    "refunded": pl.Int64(),
    "written_off": pl.Int64(),
}
ATTR_SCHEMA = {k: ACCOUNT_SCHEMA[k] for k in list(ACCOUNT_SCHEMA)[:8]}
LEAVER_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "after_leaving": pl.Int64(),
    "ft_collected": pl.Int64(),
    "ft_written_off": pl.Int64(),
}


def _read_sums(period: Period) -> pl.DataFrame:
    """Each account's balances at the period's edges and its sums in the period, from the
    ledger summary (ledger/summary.py): a few rows per account, whatever the history."""
    sums = period_sums(
        period.start, period.end, ("charge", "payment", "returned", "refund", "write_off")
    )
    return sums.select(
        "account_id",
        "opening",
        "closing",
        charged=pl.col("charge"),
        # a returned direct debit or a reversed payment was never collected
        paid=-(pl.col("payment") + pl.col("returned")),
        refunded=pl.col("refund"),
        written_off=-pl.col("write_off"),
    ).cast(SUMS_SCHEMA)  # type: ignore[arg-type]


def _attrs_sql(period: Period) -> str:
    e = sql_day(period.end)
    # The weekly charge on the period's last day, or on the tenancy's last day if earlier.
    charge_day = f"CASE WHEN tn.end_date < {e} THEN tn.end_date ELSE {e} END"
    weekly = (
        f"SELECT c.account_id, SUM(c.weekly_amount) AS charge FROM {CHARGES} c"
        f" JOIN {ACCOUNT} a ON a.id = c.account_id JOIN {TENANCY} tn ON tn.id = a.tenancy_id"
        f" WHERE c.effective_from <= {charge_day}"
        f" AND (c.effective_to IS NULL OR c.effective_to >= {charge_day})"
        " GROUP BY c.account_id"
    )
    return (
        "SELECT a.id, a.reference, p.patch_id, a.payment_method, a.benefit,"
        f" {as_text('tn.start_date')}, {as_text('tn.end_date')}, COALESCE(w.charge, 0)"
        f" FROM {ACCOUNT} a JOIN {TENANCY} tn ON tn.id = a.tenancy_id"
        f" JOIN {PROPERTY} p ON p.id = tn.property_id"
        f" LEFT JOIN ({weekly}) w ON w.account_id = a.id"
        f" WHERE tn.start_date <= {e} AND NOT a.former"
    )


#: Each former tenant account's rent account (the tenancy's other account), so a tenancy's
#: money is counted once whichever of its two accounts it sits on.
FORMER_SQL = (
    f"SELECT f.id, r.id FROM {ACCOUNT} f JOIN {ACCOUNT} r"
    " ON r.tenancy_id = f.tenancy_id AND NOT r.former WHERE f.former"
)


def _fold_former(frame: pl.DataFrame, rent_of: pl.DataFrame) -> pl.DataFrame:
    """Sums per account with a former tenant account's rows added to its rent account's: the
    transfer between them nets to nothing, and later payments count for the tenancy."""
    if rent_of.height == 0 or frame.height == 0:
        return frame
    sums = [c for c in frame.columns if c != "account_id"]
    return (
        frame.join(rent_of, on="account_id", how="left")
        .with_columns(pl.coalesce("rent_id", "account_id").alias("account_id"))
        .group_by("account_id", maintain_order=True)
        .agg(pl.col(c).sum() for c in sums)
        .select(frame.columns)
        .cast(frame.schema)
    )


def _leavers_sql(period: Period) -> str:
    """Tenancies that ended in the period: the net of what was posted after the day each
    ended (its balance that day is its closing balance less this), and what was paid and
    written off after it. Only the rows after the end are read, through the account's index."""
    s, e = sql_day(period.start), sql_day(period.end)
    return (
        "SELECT x.account_id, SUM(x.amount),"
        f" SUM(CASE WHEN {money_in('x')} THEN -x.amount ELSE 0 END),"
        " SUM(CASE WHEN x.kind = 'write_off' THEN -x.amount ELSE 0 END)"
        # CROSS JOIN: SQLite then keeps this order (the few tenancies first, each account's
        # rows through its index); left free it scanned all 37 million rows (6.8 s)
        f" FROM {TENANCY} tn CROSS JOIN {ACCOUNT} a CROSS JOIN {TXN} x"
        f" WHERE a.tenancy_id = tn.id AND x.account_id = a.id"
        f" AND tn.end_date >= {s} AND tn.end_date <= {e}"
        f" AND x.posted_on > tn.end_date AND x.posted_on <= {e}"
        " GROUP BY x.account_id"
    )


def _read_accounts(period: Period) -> pl.DataFrame:
    """One row per account in ACCOUNT_SCHEMA. The day an ended tenancy's debt counts as former
    tenant arrears for the period is the day it ended, or the day before the period when it
    ended earlier: then its balance then is the opening balance, and what was paid and written
    off after it is what was paid and written off in the period."""
    attrs = query_frame(_attrs_sql(period), [], ATTR_SCHEMA)
    rent_of = query_frame(FORMER_SQL, [], {"account_id": pl.Int64(), "rent_id": pl.Int64()})
    sums = _fold_former(_read_sums(period), rent_of)
    leavers = _fold_former(query_frame(_leavers_sql(period), [], LEAVER_SCHEMA), rent_of)
    frame = attrs.join(sums, on="account_id", how="left").join(leavers, on="account_id", how="left")
    money = [c for c in SUMS_SCHEMA if c != "account_id"]
    frame = frame.with_columns(pl.col(c).fill_null(0) for c in money)
    before = pl.col("tenancy_end") < period.start
    left = pl.col("tenancy_end").is_between(period.start, period.end)
    frame = frame.with_columns(
        at_leaving=pl.when(left)
        .then(pl.col("closing") - pl.col("after_leaving").fill_null(0))
        .otherwise(None)
    )
    return frame.with_columns(
        at_leaving=pl.col("at_leaving").fill_null(0),
        ft_opening=pl.when(before).then("opening").otherwise(pl.col("at_leaving").fill_null(0)),
        ft_collected=pl.when(before).then("paid").otherwise(pl.col("ft_collected").fill_null(0)),
        ft_written_off=pl.when(before)
        .then("written_off")
        .otherwise(pl.col("ft_written_off").fill_null(0)),
    ).select([pl.col(c).cast(t) for c, t in ACCOUNT_SCHEMA.items()])


TENANCY_SCHEMA: dict[str, pl.DataType] = {
    "tenancy_id": pl.Int64(),
    "property_id": pl.Int64(),
    "patch_id": pl.Int64(),
    "start": pl.Date(),
    "end": pl.Date(),
    "weekly_charge": pl.Int64(),
}


def _tenancies_sql() -> str:
    # The weekly charge each tenancy had on its last day (or latest), for rent lost when empty.
    last_charge = (
        f"SELECT c.account_id, SUM(c.weekly_amount) AS charge FROM {CHARGES} c"
        f" JOIN {ACCOUNT} a ON a.id = c.account_id JOIN {TENANCY} tn ON tn.id = a.tenancy_id"
        " WHERE tn.end_date IS NOT NULL AND c.effective_from <= tn.end_date"
        " AND (c.effective_to IS NULL OR c.effective_to >= tn.end_date) GROUP BY c.account_id"
    )
    return (
        f"SELECT tn.id, tn.property_id, p.patch_id, {as_text('tn.start_date')},"
        f" {as_text('tn.end_date')}, COALESCE(w.charge, 0)"
        f" FROM {TENANCY} tn JOIN {PROPERTY} p ON p.id = tn.property_id"
        f" LEFT JOIN {ACCOUNT} a ON a.tenancy_id = tn.id AND NOT a.former"
        f" LEFT JOIN ({last_charge}) w ON w.account_id = a.id"
    )


def _instant(d: date) -> str:
    """Midnight starting ``d`` in London, as a UTC timestamp literal for the diary's ``at``."""
    utc = datetime.combine(d, time(0), tzinfo=LONDON).astimezone(UTC)
    if connection.vendor == "postgresql":
        return f"TIMESTAMPTZ '{utc.isoformat(sep=' ')}'"
    return f"'{utc.replace(tzinfo=None).isoformat(sep=' ')}'"


DIARY_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "category": pl.Utf8(),
    "outcome": pl.Utf8(),
    "n": pl.Int64(),
}


def _diary_sql(period: Period) -> str:
    """Contacts and visits in the period, by account (the contact rate's only use of it)."""
    from rentbook.cases.models import DiaryEntry

    lo, hi = _instant(period.start), _instant(period.end + timedelta(days=1))
    return (
        "SELECT account_id, category, '', COUNT(*)"
        f" FROM {DiaryEntry._meta.db_table} WHERE at >= {lo} AND at < {hi}"
        " AND category IN ('contact', 'visit') GROUP BY account_id, category"
    )


PROMISE_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "promised": pl.Int64(),
    "paid": pl.Int64(),
}


def _promises_sql(period: Period) -> str:
    """Promises and arrangement instalments due in the period, with what the tenant paid in
    the week up to the due day and the three days of grace after it."""
    from rentbook.cases.models import DiaryEntry

    s, e = sql_day(period.start), sql_day(period.end)
    if connection.vendor == "postgresql":
        lo, hi = "d.promise_date - 7", "d.promise_date + 3"
    else:
        lo, hi = "date(d.promise_date, '-7 days')", "date(d.promise_date, '+3 days')"
    return (
        "SELECT d.account_id, d.promise_amount,"
        f" COALESCE((SELECT -SUM(x.amount) FROM {TXN} x WHERE x.account_id = d.account_id"
        f" AND {money_in('x')}"
        " AND x.method NOT IN ('housing_benefit', 'universal_credit', 'dhp')"
        f" AND x.posted_on > {lo} AND x.posted_on <= {hi}), 0)"
        f" FROM {DiaryEntry._meta.db_table} d"
        " WHERE d.promise_amount IS NOT NULL AND d.promise_date IS NOT NULL"
        f" AND d.promise_date >= {s} AND d.promise_date <= {e}"
    )


#: A payment counts towards a promise or instalment due on day d if made in (d - 7, d + 3].
_KEPT_BEFORE_DAYS, _KEPT_GRACE_DAYS = 7, 3


def paid_in_windows(due: pl.DataFrame, paid: pl.DataFrame) -> pl.DataFrame:
    """For each row of ``due`` (account_id, day, promised), in order, what the account paid
    in (day - 7, day + 3] from ``paid`` (account_id, posted_on, paid): PROMISE_SCHEMA rows.

    Each account's running total of payments is read at both ends of the window (two as-of
    joins), rather than every instalment paired with every payment (787,000 instalments with
    their accounts' payments took 7 s at 100,000 tenancies)."""
    running = (
        paid.group_by("account_id", "posted_on")
        .agg(pl.col("paid").sum())
        .sort("account_id", "posted_on")
        .with_columns(total=pl.col("paid").cum_sum().over("account_id"))
        .select("account_id", "posted_on", "total")
        .sort("posted_on")
    )
    ends = due.with_row_index("n").with_columns(
        hi=pl.col("day") + timedelta(days=_KEPT_GRACE_DAYS),
        lo=pl.col("day") - timedelta(days=_KEPT_BEFORE_DAYS),
    )

    def total_at(column: str) -> pl.DataFrame:
        # sorted by the as-of key as a whole, which is what Polars needs with by-groups
        return (
            ends.select("n", "account_id", column)
            .sort(column)
            .join_asof(
                running, left_on=column, right_on="posted_on", by="account_id",
                check_sortedness=False,
            )
            .select("n", pl.col("total").fill_null(0).alias(column))
        )  # fmt: skip

    return (
        ends.select("n", "account_id", "promised")
        .join(total_at("hi"), on="n")
        .join(total_at("lo"), on="n")
        .sort("n")
        .select("account_id", "promised", paid=pl.col("hi") - pl.col("lo"))
    )


ARRANGEMENT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "account_id": pl.Int64(),
    "frequency": pl.Utf8(),
    "day_of_month": pl.Int64(),
    "weekday": pl.Int64(),
    "nth": pl.Int64(),
    "instalment": pl.Int64(),
    "ongoing_charge": pl.Int64(),
    "lump_sum": pl.Int64(),
    "lump_sum_on": pl.Date(),
    "first_payment": pl.Date(),
    "starting_balance": pl.Int64(),
    "cancelled_on": pl.Date(),
}

#: The most days one payment of each frequency takes (a month: 31), for a schedule's last day.
_LONGEST_DAYS = 40_000
_SPAN_DAYS = {"weekly": 7, "fortnightly": 14, "four_weekly": 28, "monthly": 31, "one_off": 0}


def _arrangements_sql(period: Period) -> str:
    """Arrangements that may have a payment due in the period: begun by its end, not cancelled
    by its start, and whose schedule (its payments at the most days each) or lump sum reaches
    the period. A landlord's history holds years of arrangements long paid or broken: reading
    and scheduling every one took the indicators 7 s at 100,000 tenancies."""
    from rentbook.arrangements.models import Arrangement

    s, e = sql_day(period.start), sql_day(period.end)
    pg = connection.vendor == "postgresql"
    least = "LEAST" if pg else "MIN"
    payments = (
        f"((a.starting_balance - {least}(a.lump_sum, a.starting_balance) + a.instalment - 1)"
        " / NULLIF(a.instalment, 0))"
    )
    per = " ".join(f"WHEN '{f}' THEN {d}" for f, d in _SPAN_DAYS.items())
    days = f"({payments} * CASE a.frequency {per} ELSE 31 END)"
    last = (
        f"a.first_payment + CAST({days} AS INTEGER)"
        if pg
        else f"date(a.first_payment, '+' || {days} || ' days')"
    )
    cols = ", ".join(
        as_text(f"a.{c}") if ARRANGEMENT_SCHEMA[c] == pl.Date() else f"a.{c}"
        for c in ARRANGEMENT_SCHEMA
    )
    return (
        f"SELECT {cols} FROM {Arrangement._meta.db_table} a"
        f" WHERE a.start <= {e} AND (a.cancelled_on IS NULL OR a.cancelled_on > {s})"
        # a schedule of more than a century is kept whole (its last day is past any calendar)
        f" AND (CASE WHEN {days} IS NULL OR {days} > {_LONGEST_DAYS} THEN 1"
        f" WHEN {last} >= {s} THEN 1 ELSE 0 END = 1"
        f" OR (a.lump_sum > 0 AND a.lump_sum_on >= {s}))"
    )


def _instalments_due(period: Period) -> pl.DataFrame:
    """Arrangement instalments (and lump sums) falling due in the period on arrangements not
    cancelled by then, each with what the tenant paid towards it: PROMISE_SCHEMA rows.

    An instalment asks for its amount plus the ongoing charge paid with it; the tenant's own
    payments (not Housing Benefit, Universal Credit or DHP) from a week before the due day
    to three days after it count, as for a promise."""
    from rentbook.arrangements.facts import payments_due

    arr = query_frame(_arrangements_sql(period), [], ARRANGEMENT_SCHEMA)
    if arr.height == 0:
        return pl.DataFrame(schema=PROMISE_SCHEMA)
    due = (
        payments_due(arr.with_columns(tolerance_days=pl.lit(0, pl.Int64)), pl.lit(period.end))
        .filter(pl.col("day") >= period.start)
        .join(arr.select("id", "account_id", "ongoing_charge", "cancelled_on"), on="id")
        .filter(pl.col("cancelled_on").is_null() | (pl.col("day") < pl.col("cancelled_on")))
        .with_columns(promised=pl.col("amount") + pl.col("ongoing_charge"))
    )
    if due.height == 0:
        return pl.DataFrame(schema=PROMISE_SCHEMA)
    if connection.vendor == "postgresql":
        # the arrangements' accounts as a subquery: PostgreSQL plans 40,000 literals slowly
        # (2.2 s against 1.2 s; payments of accounts with nothing due are not read below)
        accounts = f"SELECT a.account_id FROM ({_arrangements_sql(period)}) a"
    else:
        accounts = ", ".join(str(i) for i in due.get_column("account_id").unique().to_list())
    lo = sql_day(period.start - timedelta(days=_KEPT_BEFORE_DAYS))
    hi = sql_day(period.end + timedelta(days=_KEPT_GRACE_DAYS))
    paid = query_frame(
        f"SELECT account_id, {as_text('posted_on')}, -amount FROM {TXN} x"
        f" WHERE {money_in('x')}"
        " AND method NOT IN ('housing_benefit', 'universal_credit', 'dhp')"
        f" AND account_id IN ({accounts}) AND posted_on > {lo} AND posted_on <= {hi}",
        [],
        {"account_id": pl.Int64(), "posted_on": pl.Date(), "paid": pl.Int64()},
    )
    return paid_in_windows(due.select("account_id", "day", "promised"), paid)


LEGAL_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "what": pl.Utf8(),
    "n": pl.Int64(),
}


def _legal_sql(period: Period) -> str:
    """Per account, from the legal pathway's records: notices served in the period, court
    cases heard in the period, and evictions carried out in the period."""
    from rentbook.legal.models import CourtCase, Eviction, Notice

    s, e = sql_day(period.start), sql_day(period.end)
    notices = Notice._meta.db_table
    cases, evictions = CourtCase._meta.db_table, Eviction._meta.db_table
    return (
        f"SELECT account_id, 'notice', COUNT(*) FROM {notices}"
        f" WHERE served_on >= {s} AND served_on <= {e} GROUP BY account_id"
        f" UNION ALL SELECT account_id, 'court', COUNT(*) FROM {cases}"
        f" WHERE hearing_on >= {s} AND hearing_on <= {e} GROUP BY account_id"
        f" UNION ALL SELECT c.account_id, 'eviction', COUNT(*) FROM {evictions} v"
        f" JOIN {cases} c ON c.id = v.court_case_id WHERE v.outcome = 'evicted'"
        f" AND v.eviction_on >= {s} AND v.eviction_on <= {e} GROUP BY c.account_id"
    )


@dataclass
class Data:
    """Everything the indicators read for one period (the whole landlord)."""

    period: Period
    accounts: pl.DataFrame
    credits: pl.DataFrame
    tenancies: pl.DataFrame
    diary: pl.DataFrame
    promises: pl.DataFrame
    legal: pl.DataFrame
    _cache: dict = field(default_factory=dict, repr=False)

    def scoped(self, name: str, scope: Scope) -> pl.DataFrame:
        key = (name, scope.key)
        if key not in self._cache:
            frame: pl.DataFrame = getattr(self, name)
            patches = scope.patches()
            if patches is not None:
                # split once by patch: every patch's figures then cost no pass over the whole
                by_patch = self._by_patch(name, frame)
                parts = [by_patch[p] for p in sorted(patches) if p in by_patch]
                frame = pl.concat(parts) if parts else frame.clear()
            self._cache[key] = frame
        return self._cache[key]

    def _by_patch(self, name: str, frame: pl.DataFrame) -> dict[int, pl.DataFrame]:
        key = ("by_patch", name)
        if key not in self._cache:
            parts = frame.partition_by("patch_id", as_dict=True, maintain_order=True)
            self._cache[key] = {k[0]: v for k, v in parts.items()}
        return self._cache[key]

    @property
    def dhp(self) -> pl.DataFrame:
        """DHP committed in the period per account (benefits/spend.py), with its patch."""
        if "dhp" not in self._cache:
            from rentbook.benefits.spend import committed

            frame = committed(self.period.start, self.period.end)
            patch_of = self.accounts.select("account_id", "patch_id")
            self._cache["dhp"] = frame.join(patch_of, on="account_id", how="inner")
        return self._cache["dhp"]

    @property
    def voids(self) -> pl.DataFrame:
        """Each empty spell of a property: from the day after a tenancy ended to the day
        before the next started (or open), with the weekly rent of the tenancy that ended."""
        if "voids" not in self._cache:
            t = self.tenancies.sort("property_id", "start")
            t = t.with_columns(next_start=pl.col("start").shift(-1).over("property_id"))
            self._cache["voids"] = t.filter(pl.col("end").is_not_null()).select(
                "property_id",
                "patch_id",
                "weekly_charge",
                "end",
                "next_start",
                void_from=pl.col("end") + pl.duration(days=1),
                void_to=pl.col("next_start") - pl.duration(days=1),
            )
        return self._cache["voids"]

    def current(self, scope: Scope) -> pl.DataFrame:
        """Accounts whose tenancy is current on the period's last day, with their technical
        arrears."""
        key = ("current", scope.key)
        if key not in self._cache:
            end = self.period.end
            frame = self.scoped("accounts_t", scope).filter(
                pl.col("tenancy_end").is_null() | (pl.col("tenancy_end") >= end)
            )
            self._cache[key] = frame
        return self._cache[key]

    @property
    def accounts_t(self) -> pl.DataFrame:
        if "accounts_t" not in self._cache:
            self._cache["accounts_t"] = _with_technical(self.accounts, self.credits, self.period)
        return self._cache["accounts_t"]

    def former(self, scope: Scope) -> pl.DataFrame:
        return self.scoped("accounts", scope).filter(pl.col("tenancy_end") < self.period.end)


def _on_own_connection(job: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    try:
        no_jit()
        return job()
    finally:
        connection.close()  # this thread's


def beside(jobs: dict[str, Callable[[], pl.DataFrame]], main: Callable[[], Any]) -> tuple:
    """``main()`` here and ``jobs`` in a thread beside it, each on that thread's own
    connection: the database runs one query while Python turns another's rows into a frame
    (a second or more of the ten the indicators may take at 100,000 tenancies). Inside a
    transaction, whose writes only its own connection sees, they run in turn on it."""
    if connection.in_atomic_block:
        return main(), {name: job() for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="indicators") as pool:
        futures = {name: pool.submit(_on_own_connection, job) for name, job in jobs.items()}
        first = main()
        return first, {name: f.result() for name, f in futures.items()}


def load(period: Period) -> Data:
    no_jit()

    def the_rest() -> dict[str, pl.DataFrame]:
        accounts = _read_accounts(period)
        owing = accounts.filter(pl.col("closing") > 0)["account_id"].to_list()
        return {
            "accounts": accounts,
            # nobody else has technical arrears
            "credits": last_credits(period.end, owing, CREDIT_LOOK_BACK),
            "tenancies": query_frame(_tenancies_sql(), [], TENANCY_SCHEMA),
            "diary": query_frame(_diary_sql(period), [], DIARY_SCHEMA),
            "promises": query_frame(_promises_sql(period), [], PROMISE_SCHEMA),
            "legal": query_frame(_legal_sql(period), [], LEGAL_SCHEMA),
        }

    # the instalments (a third of the reading) beside everything else
    read, instalments = beside({"instalments": lambda: _instalments_due(period)}, the_rest)
    patch_of = read["accounts"].select("account_id", "patch_id")
    diary = read["diary"].join(patch_of, on="account_id", how="inner")
    promises = pl.concat([read["promises"], instalments["instalments"]]).join(
        patch_of, on="account_id", how="inner"
    )
    legal = read["legal"].join(patch_of, on="account_id", how="inner")
    return Data(
        period, read["accounts"], read["credits"], read["tenancies"], diary, promises, legal
    )


#: Which payment stream each account pays by in arrears, as balances.py's ``_streams``.
def _stream_applies() -> pl.Expr:
    return (
        ((pl.col("method") == "housing_benefit") & (pl.col("benefit") == "housing_benefit"))
        | (
            (pl.col("method") == "universal_credit")
            & (pl.col("benefit") == "universal_credit_managed")
        )
        | ((pl.col("method") == "direct_debit") & (pl.col("payment_method") == "direct_debit"))
    )


def _with_technical(accounts: pl.DataFrame, credits: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Add ``technical``: the part of the closing balance that pending regular credits will
    clear (the ledger's rule in ledger/balances.py, applied to every account at once)."""
    end = period.end
    cycle = (
        pl.when(pl.col("period_start").is_not_null() & pl.col("period_end").is_not_null())
        .then((pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1)
        .otherwise(28)
    )
    age = (pl.lit(end) - pl.col("posted_on")).dt.total_days()
    pend = (
        credits.join(accounts.select("account_id", "benefit", "payment_method"), on="account_id")
        .filter(_stream_applies())
        .with_columns(
            pending=pl.when(age > cycle + GRACE_DAYS)
            .then(0)
            .otherwise(pl.min_horizontal(pl.col("charged_since"), pl.col("amount")).clip(0))
        )
        .group_by("account_id")
        .agg(pl.col("pending").sum())
    )
    return (
        accounts.join(pend, on="account_id", how="left")
        .with_columns(
            technical=pl.min_horizontal(
                pl.col("closing").clip(0), pl.col("pending").fill_null(0)
            ).clip(0)
        )
        .drop("pending")
    )


# ---- indicators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """An indicator's value: a percentage, a count, days, weeks or pence, with its parts."""

    value: float | int | None
    numerator: int | float | None = None
    denominator: int | float | None = None


def pct(num: int | float, den: int | float) -> float | None:
    return None if not den else round(100 * num / den, 2)


def _sum(frame: pl.DataFrame, expr: pl.Expr | str) -> int:
    if frame.height == 0:
        return 0
    return int(frame.select(expr).to_series().sum() or 0)


def _memo(fn):  # type: ignore[no-untyped-def]
    """Keep a figure other indicators reuse (rent due, void loss, counts) once per scope."""

    def inner(data: Data, scope: Scope):  # type: ignore[no-untyped-def]
        key = (fn.__name__, scope.key)
        if key not in data._cache:
            data._cache[key] = fn(data, scope)
        return data._cache[key]

    inner.__doc__, inner.__name__ = fn.__doc__, fn.__name__
    return inner


@_memo
def rent_due(data: Data, scope: Scope) -> int:
    """Rent and charges debited in the period (pence); the collectable debit."""
    return _sum(data.scoped("accounts", scope), pl.col("charged"))


@_memo
def collected(data: Data, scope: Scope) -> int:
    """Payments (tenants' and benefit) received in the period, less refunds (pence)."""
    a = data.scoped("accounts", scope)
    return _sum(a, pl.col("paid")) - _sum(a, pl.col("refunded"))


def rent_collected_pct(data: Data, scope: Scope) -> Value:
    """Charter 26: rent collected as % of rent due in the period (may exceed 100)."""
    num, den = collected(data, scope), rent_due(data, scope)
    return Value(pct(num, den), num, den)


def gross_arrears_pct(data: Data, scope: Scope) -> Value:
    """Charter 27: current and former tenants' arrears at the period's end as % of rent due."""
    num = _sum(data.scoped("accounts", scope), pl.col("closing").clip(0))
    den = rent_due(data, scope)
    return Value(pct(num, den), num, den)


def current_arrears_pct(data: Data, scope: Scope) -> Value:
    """HS4a: current tenants' arrears at the period's end as % of the collectable debit."""
    num = _sum(data.current(scope), pl.col("closing").clip(0))
    den = rent_due(data, scope)
    return Value(pct(num, den), num, den)


def current_arrears_less_technical_pct(data: Data, scope: Scope) -> Value:
    """HS4a net of technical arrears (HB, UC managed payments and direct debits on their way)."""
    cur = data.current(scope)
    num = _sum(cur, pl.col("closing").clip(0) - pl.col("technical"))
    den = rent_due(data, scope)
    return Value(pct(num, den), num, den)


def technical_arrears(data: Data, scope: Scope) -> Value:
    """Technical arrears of current tenants at the period's end (pence)."""
    n = _sum(data.current(scope), pl.col("technical"))
    return Value(n, n, None)


def owing_13_weeks_pct(data: Data, scope: Scope) -> Value:
    """HS4b: % of current tenants owing more than 13 weeks' rent, excluding those owing under
    £250."""
    cur = data.current(scope)
    owing = cur.filter(
        (pl.col("closing") >= SMALL_DEBT)
        & (pl.col("weekly_charge") > 0)
        & (pl.col("closing") > WEEKS_13 * pl.col("weekly_charge"))
    ).height
    return Value(pct(owing, cur.height), owing, cur.height)


def _leavers(data: Data, scope: Scope) -> pl.DataFrame:
    p = data.period
    return data.scoped("accounts", scope).filter(pl.col("tenancy_end").is_between(p.start, p.end))


def leavers_in_arrears_pct(data: Data, scope: Scope) -> Value:
    """HS4c: % of tenancies ended in the period whose balance on the day they ended was owed."""
    leavers = _leavers(data, scope)
    owing = leavers.filter(pl.col("at_leaving") > 0).height
    return Value(pct(owing, leavers.height), owing, leavers.height)


def leavers_weeks_owed(data: Data, scope: Scope) -> Value:
    """HS4d: the average weeks' rent owed by those leavers (balance at leaving ÷ weekly rent)."""
    owing = _leavers(data, scope).filter((pl.col("at_leaving") > 0) & (pl.col("weekly_charge") > 0))
    if owing.height == 0:
        return Value(None, 0, 0)
    weeks = owing.select((pl.col("at_leaving") / pl.col("weekly_charge")).sum()).item()
    return Value(round(weeks / owing.height, 2), round(weeks, 4), owing.height)


def _former_base(data: Data, scope: Scope) -> pl.DataFrame:
    """Tenancies ended by the period's end that owed on the day the arrears became former
    tenant arrears for this period (the tenancy's end, or the day before the period)."""
    return data.scoped("accounts", scope).filter(
        (pl.col("tenancy_end") <= data.period.end) & (pl.col("ft_opening") > 0)
    )


def former_arrears_collected_pct(data: Data, scope: Scope) -> Value:
    """Former tenant arrears collected in the period as % of former tenant arrears owed."""
    base = _former_base(data, scope)
    num, den = _sum(base, pl.col("ft_collected")), _sum(base, pl.col("ft_opening"))
    return Value(pct(num, den), num, den)


def former_arrears_written_off_pct(data: Data, scope: Scope) -> Value:
    """Former tenant arrears written off in the period as % of former tenant arrears owed."""
    base = _former_base(data, scope)
    num, den = _sum(base, pl.col("ft_written_off")), _sum(base, pl.col("ft_opening"))
    return Value(pct(num, den), num, den)


def former_arrears_cleared_pct(data: Data, scope: Scope) -> Value:
    """HS4e: % of former tenant arrears collected or written off in the period."""
    base = _former_base(data, scope)
    num = _sum(base, pl.col("ft_collected")) + _sum(base, pl.col("ft_written_off"))
    den = _sum(base, pl.col("ft_opening"))
    return Value(pct(num, den), num, den)


def _voids(data: Data, scope: Scope) -> pl.DataFrame:
    """The empty spells of the scope's properties (:attr:`Data.voids`)."""
    return data.scoped("voids", scope)


@_memo
def void_loss(data: Data, scope: Scope) -> Value:
    """Rent lost through empty homes in the period (pence; the denominator is the rent due had
    they been let: rent due + void loss). A day empty loses a seventh of the weekly rent of the
    tenancy that ended."""
    p = data.period
    v = _voids(data, scope)
    lo = pl.max_horizontal(pl.col("void_from"), pl.lit(p.start))
    hi = pl.min_horizontal(pl.col("void_to").fill_null(pl.lit(p.end)), pl.lit(p.end))
    days = ((hi - lo).dt.total_days() + 1).clip(0)
    lost = v.select((days * pl.col("weekly_charge") // 7).alias("lost")) if v.height else v
    loss = int(lost["lost"].sum() or 0) if v.height else 0
    due = rent_due(data, scope)
    return Value(loss, loss, due + loss)


def void_loss_pct(data: Data, scope: Scope) -> Value:
    """Charter 18: rent lost through empty homes as % of the rent due had they been let."""
    v = void_loss(data, scope)
    return Value(pct(v.numerator or 0, v.denominator or 0), v.numerator, v.denominator)


def relet_days(data: Data, scope: Scope) -> Value:
    """Charter 30: average days to re-let homes let in the period: from the day after the
    last tenancy ended to the day the next started. A property's first let and a let the day
    after the last tenancy ended (mutual exchange, succession) are not re-lets."""
    p = data.period
    v = _voids(data, scope).filter(
        pl.col("next_start").is_between(p.start, p.end)
        & (pl.col("next_start") > pl.col("end") + pl.duration(days=1))
    )
    if v.height == 0:
        return Value(None, 0, 0)
    total = int(v.select((pl.col("next_start") - pl.col("end")).dt.total_days().sum()).item())
    return Value(round(total / v.height, 1), total, v.height)


def direct_debit_pct(data: Data, scope: Scope) -> Value:
    """% of current tenancies at the period's end paying by direct debit."""
    cur = data.current(scope)
    n = cur.filter(pl.col("payment_method") == "direct_debit").height
    return Value(pct(n, cur.height), n, cur.height)


def arrangements_kept_pct(data: Data, scope: Scope) -> Value:
    """% of promises and arrangement instalments due in the period that were kept: the
    tenant paid at least the amount in the seven days up to the due day or the three after.
    Promises are the diary's (amount and date); instalments come from the arrangements'
    schedules, each asking for the instalment plus the ongoing charge paid with it."""
    pr = data.scoped("promises", scope)
    kept = pr.filter(pl.col("paid") >= pl.col("promised")).height
    return Value(pct(kept, pr.height), kept, pr.height)


def dhp_committed(data: Data, scope: Scope) -> Value:
    """Discretionary Housing Payments committed in the period (pence): each weekly award's
    days in the period and each lump sum paid in it (benefits/spend.py)."""
    n = _sum(data.scoped("dhp", scope), pl.col("dhp"))
    return Value(n, n, None)


def dhp_fund_spent_pct(data: Data, scope: Scope) -> Value:
    """DHP committed in the period as % of the rent year's fund (the landlord only: the fund
    is not divided between patches)."""
    from rentbook.benefits.spend import budget_for

    if scope.patches() is not None:
        return Value(None)
    budget = budget_for(data.period.start)
    spent = _sum(data.scoped("dhp", scope), pl.col("dhp"))
    return Value(pct(spent, budget) if budget else None, spent, budget)


def _legal_count(data: Data, scope: Scope, what: str) -> int:
    return _sum(data.scoped("legal", scope).filter(pl.col("what") == what), pl.col("n"))


@_memo
def notices(data: Data, scope: Scope) -> Value:
    """Notices (NOSP, section 8, notice of proceedings) served in the period."""
    n = _legal_count(data, scope, "notice")
    return Value(n, n, None)


@_memo
def court_actions(data: Data, scope: Scope) -> Value:
    """Court actions in the period: possession cases with a hearing in the period."""
    n = _legal_count(data, scope, "court")
    return Value(n, n, None)


@_memo
def evictions(data: Data, scope: Scope) -> Value:
    """Evictions carried out in the period (an eviction whose outcome is "evicted")."""
    n = _legal_count(data, scope, "eviction")
    return Value(n, n, None)


def evictions_per_court_action_pct(data: Data, scope: Scope) -> Value:
    """Charter 22: evictions as % of court actions in the period."""
    e, c = evictions(data, scope).value, court_actions(data, scope).value
    return Value(pct(e or 0, c or 0), e, c)


def contact_rate_pct(data: Data, scope: Scope) -> Value:
    """% of current tenants in arrears at the period's end contacted (a call, text, email or
    visit: diary categories "contact" and "visit") in the period. Interim: the diary."""
    owing = data.current(scope).filter(pl.col("closing") > 0).select("account_id")
    contacted = (
        data.scoped("diary", scope)
        .filter(pl.col("category").is_in(["contact", "visit"]))
        .select("account_id")
        .unique()
    )
    n = owing.join(contacted, on="account_id", how="inner").height
    return Value(pct(n, owing.height), n, owing.height)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # "%", "£", "days", "weeks", "count"
    better: str  # "higher" or "lower"
    compute: Callable[[Data, Scope], Value]
    source: str = ""
    interim: bool = False


def _pence(fn: Callable[[Data, Scope], int]) -> Callable[[Data, Scope], Value]:
    def inner(data: Data, scope: Scope) -> Value:
        n = fn(data, scope)
        return Value(n, n, None)

    inner.__doc__ = fn.__doc__
    return inner


INDICATORS: list[Indicator] = [
    Indicator("rent_due", "Rent due (collectable debit)", "£", "higher", _pence(rent_due)),
    Indicator("collected", "Rent collected", "£", "higher", _pence(collected)),
    Indicator(
        "rent_collected_pct", "Rent collected as % of rent due", "%", "higher",
        rent_collected_pct, "Scottish Social Housing Charter 26",
    ),
    Indicator(
        "gross_arrears_pct", "Gross rent arrears as % of rent due", "%", "lower",
        gross_arrears_pct, "Scottish Social Housing Charter 27",
    ),
    Indicator(
        "current_arrears_pct", "Current tenant arrears as % of collectable debit", "%",
        "lower", current_arrears_pct, "SPI HS4a",
    ),
    Indicator(
        "current_arrears_less_technical_pct",
        "Current tenant arrears less technical arrears as % of collectable debit", "%",
        "lower", current_arrears_less_technical_pct, "England benchmarking",
    ),
    Indicator("technical_arrears", "Technical arrears", "£", "lower", technical_arrears),
    Indicator(
        "owing_13_weeks_pct", "% of tenants owing more than 13 weeks' rent (over £250)",
        "%", "lower", owing_13_weeks_pct, "SPI HS4b",
    ),
    Indicator(
        "leavers_in_arrears_pct", "% of tenancies ended in arrears", "%", "lower",
        leavers_in_arrears_pct, "SPI HS4c",
    ),
    Indicator(
        "leavers_weeks_owed", "Average weeks' rent owed by leavers in arrears", "weeks",
        "lower", leavers_weeks_owed, "SPI HS4d",
    ),
    Indicator(
        "former_arrears_collected_pct", "% of former tenant arrears collected", "%",
        "higher", former_arrears_collected_pct, "", True,
    ),
    Indicator(
        "former_arrears_written_off_pct", "% of former tenant arrears written off", "%",
        "higher", former_arrears_written_off_pct, "", True,
    ),
    Indicator(
        "former_arrears_cleared_pct", "% of former tenant arrears collected or written off",
        "%", "higher", former_arrears_cleared_pct, "SPI HS4e", True,
    ),
    Indicator(
        "void_loss", "Rent lost through empty homes", "£", "lower", void_loss,
    ),
    Indicator(
        "void_loss_pct", "Rent lost through empty homes as % of rent due", "%", "lower",
        void_loss_pct, "Scottish Social Housing Charter 18",
    ),
    Indicator(
        "relet_days", "Average days to re-let", "days", "lower", relet_days,
        "Scottish Social Housing Charter 30",
    ),
    Indicator("direct_debit_pct", "% of tenants paying by direct debit", "%", "higher",
              direct_debit_pct),
    Indicator("arrangements_kept_pct", "% of arrangements and promises kept", "%", "higher",
              arrangements_kept_pct, "", False),
    Indicator("dhp_committed", "Discretionary Housing Payments committed", "£", "higher",
              dhp_committed, source="seed 003; issue 18"),
    Indicator("dhp_fund_spent_pct", "% of the DHP fund committed", "%", "higher",
              dhp_fund_spent_pct, source="seed 003; issue 18"),
    Indicator("notices", "Notices served", "count", "lower", notices),
    Indicator("court_actions", "Court actions", "count", "lower", court_actions),
    Indicator("evictions", "Evictions", "count", "lower", evictions),
    Indicator(
        "evictions_per_court_action_pct", "Court actions ending in eviction", "%", "lower",
        evictions_per_court_action_pct, "Scottish Social Housing Charter 22",
    ),
    Indicator("contact_rate_pct", "% of tenants in arrears contacted", "%", "higher",
              contact_rate_pct, "", True),
]  # fmt: skip

BY_CODE = {i.code: i for i in INDICATORS}


def compute(data: Data, scope: Scope) -> dict[str, Value]:
    """Every indicator for one scope."""
    return {i.code: i.compute(data, scope) for i in INDICATORS}


def compute_all(data: Data, scopes: list[Scope]) -> dict[str, dict[str, Value]]:
    return {s.key: compute(data, s) for s in scopes}


def patch_scopes() -> list[Scope]:
    return [
        Scope(ScopeKind.PATCH, p.pk, f"Patch {p}", frozenset({p.pk}))
        for p in Patch.objects.order_by("code")
    ]


def accounts_behind(data: Data, scope: Scope, code: str) -> pl.DataFrame:
    """The accounts behind an indicator's number, largest first, for drill-down."""
    if code in ("current_arrears_pct", "owing_13_weeks_pct", "direct_debit_pct"):
        frame = data.current(scope)
        if code == "owing_13_weeks_pct":
            frame = frame.filter(
                (pl.col("closing") >= SMALL_DEBT)
                & (pl.col("weekly_charge") > 0)
                & (pl.col("closing") > WEEKS_13 * pl.col("weekly_charge"))
            )
        elif code == "direct_debit_pct":
            frame = frame.filter(pl.col("payment_method") == "direct_debit")
        else:
            frame = frame.filter(pl.col("closing") > 0)
    elif code == "current_arrears_less_technical_pct":
        frame = data.current(scope).filter(pl.col("closing") - pl.col("technical") > 0)
    elif code == "gross_arrears_pct":
        frame = data.scoped("accounts_t", scope).filter(pl.col("closing") > 0)
    elif code in ("leavers_in_arrears_pct", "leavers_weeks_owed"):
        frame = data.accounts_t.join(
            _leavers(data, scope).select("account_id"), on="account_id"
        ).filter(pl.col("at_leaving") > 0)
    elif code.startswith("former_arrears"):
        frame = data.accounts_t.join(
            _former_base(data, scope).select("account_id"), on="account_id"
        )
    else:
        frame = data.scoped("accounts_t", scope)
    return frame.sort("closing", descending=True)
