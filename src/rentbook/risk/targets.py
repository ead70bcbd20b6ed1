"""What each risk model predicts: which open accounts it scores at a day T, and how the outcome
is read from what happened after T (docs/risk.md, "Targets").

(a) true arrears grow by at least two weeks of the charge within 8 weeks, for every account
with a charge; (b) a live arrangement breaks within 8 weeks, for accounts keeping one; (c) a
notice is served within 13 weeks, for accounts with no notice in the year before T; and the
start-of-tenancy score: a tenancy in its first four weeks owes two weeks' rent more 12 weeks on,
from what is known then (seed 000 2.12).

Each outcome is read from the snapshot ``horizon_days`` after T (or, for notices, the notices
served in that window), never from anything later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from rentbook.risk.features import FEATURES, GROWTH_WEEKS, START_FEATURES, Feature

#: Served notices by account in (start, end]: ``account_id`` only.
NoticesServed = Callable[[date, date], pl.DataFrame]


@dataclass(frozen=True)
class Target:
    name: str  # as kept with its models (RiskModel.target)
    fact: str  # the policy fact that carries the score
    label: str  # in words, for pages
    horizon_days: int
    features: tuple[Feature, ...]
    eligible: Callable[[pl.DataFrame, date], pl.Expr]
    #: (snapshot at T, snapshot at T + horizon or None, notices served) -> account_id, y
    outcome: Callable[[pl.DataFrame, pl.DataFrame | None, NoticesServed, date], pl.DataFrame]
    #: whether the outcome needs the later snapshot (notices are read directly)
    reads_later: bool = True


def _charged(_: pl.DataFrame, __: date) -> pl.Expr:
    return pl.col("weekly_charge") > 0


def _grew(at: pl.DataFrame, later: pl.DataFrame | None, _: NoticesServed, __: date) -> pl.DataFrame:
    """Accounts not open at both days are left out: their outcome is not known."""
    assert later is not None
    return at.select("account_id", "true_arrears", "weekly_charge").join(
        later.select("account_id", pl.col("true_arrears").alias("later")), on="account_id"
    ).select(
        "account_id",
        y=((pl.col("later") - pl.col("true_arrears")) >= GROWTH_WEEKS * pl.col("weekly_charge"))
        .cast(pl.Int8),
    )  # fmt: skip


def _keeping(_: pl.DataFrame, __: date) -> pl.Expr:
    return pl.col("arrangement_state") == "live"


def _broke(
    at: pl.DataFrame, later: pl.DataFrame | None, _: NoticesServed, __: date
) -> pl.DataFrame:
    """Broken: breached at the later day, breached more often, or replaced by another
    arrangement (a broken one renegotiated). Completed or still kept is not broken."""
    assert later is not None
    before = at.select("account_id", "arrangement_start", b0="arrangement_breaches")
    after = later.select(
        "account_id",
        s1="arrangement_start",
        state="arrangement_state",
        b1="arrangement_breaches",
    )
    return before.join(after, on="account_id").select(
        "account_id",
        y=(
            (pl.col("state") == "breached")
            | (pl.col("b1") > pl.col("b0"))
            | (pl.col("s1") != pl.col("arrangement_start"))
        )
        .fill_null(False)
        .cast(pl.Int8),
    )


NOTICE_FREE_DAYS = 365


def _no_recent_notice(_: pl.DataFrame, t: date) -> pl.Expr:
    return pl.col("notice_served").is_null() | (
        pl.col("notice_served") <= t - timedelta(days=NOTICE_FREE_DAYS)
    )


def _served(
    at: pl.DataFrame, _: pl.DataFrame | None, notices: NoticesServed, t: date
) -> pl.DataFrame:
    served = notices(t, t + timedelta(days=NOTICE.horizon_days)).select(
        pl.col("account_id").cast(pl.Int64)
    ).unique().with_columns(y=pl.lit(1, dtype=pl.Int8))  # fmt: skip
    return (
        at.select("account_id")
        .join(served, on="account_id", how="left")
        .with_columns(pl.col("y").fill_null(0))
    )


START_DAYS = 28


def _new(_: pl.DataFrame, __: date) -> pl.Expr:
    return (pl.col("weekly_charge") > 0) & (pl.col("tenancy_days") < START_DAYS)


ARREARS = Target(
    "arrears_grow_2_weeks_in_8",
    "risk_arrears",
    "falling behind: arrears grow by two weeks' rent within 8 weeks",
    56,
    FEATURES,
    _charged,
    _grew,
)
ARRANGEMENT = Target(
    "arrangement_breaks_in_8",
    "risk_arrangement",
    "a live arrangement breaks within 8 weeks",
    56,
    FEATURES,
    _keeping,
    _broke,
)
NOTICE = Target(
    "notice_in_13",
    "risk_notice",
    "reaching the notice stage within 13 weeks",
    91,
    FEATURES,
    _no_recent_notice,
    _served,
    reads_later=False,
)
START = Target(
    "new_tenancy_behind_in_12",
    "risk_new_tenancy",
    "a new tenancy owing two weeks' rent more 12 weeks on",
    84,
    START_FEATURES,
    _new,
    _grew,
)
TARGETS: tuple[Target, ...] = (ARREARS, ARRANGEMENT, NOTICE, START)
BY_NAME = {t.name: t for t in TARGETS}
BY_FACT = {t.fact: t for t in TARGETS}
