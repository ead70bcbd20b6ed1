"""What the risk model reads about an account at a day T, from the arrears run's own snapshot
of it (engine/features.build_features), as plain numbers; and the outcome it learns, read from
a later snapshot. Never a protected characteristic, nor a proxy for one: no age, sex,
ethnicity, disability or support need, no postcode or patch (docs/risk.md).

Each feature has the direction its effect is constrained to (+1: more of it never lowers the
risk; 0: free) and the words that explain it on an account's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

#: The outcome's window: (a) true arrears grow by two weeks of charge within 8 weeks.
HORIZON_DAYS = 56
GROWTH_WEEKS = 2
#: days_since_contact for an account with no contact recorded
NO_CONTACT = 1000.0
#: contacts_13 counts the actions recorded in these 13 weeks before the day
CONTACT_WINDOW = timedelta(days=91)


@dataclass(frozen=True)
class Feature:
    name: str
    direction: int
    #: The reason in words, from the account's value.
    words: Callable[[float], str]


def _n(v: float) -> int:
    return round(v)


FEATURES: tuple[Feature, ...] = (
    Feature("weeks_owed", 1, lambda v: f"owes {v:.1f} weeks of rent beyond money on its way"),
    Feature("missed_4", 1, lambda v: f"{_n(v)} of the last 4 weeks' payments were missed"),
    Feature("missed_13", 1, lambda v: f"{_n(v)} of the last 13 weeks' payments were missed"),
    Feature("missed_in_a_row", 1, lambda v: f"{_n(v)} expected payments missed in a row"),
    Feature("days_since_payment", 1, lambda v: f"no payment for {_n(v)} days"),
    Feature(
        "trend_weeks",
        1,
        lambda v: f"arrears {'rose' if v > 0 else 'fell'} by {abs(v):.1f} weeks' rent in 4 weeks",
    ),
    Feature("tenancy_years", 0, lambda v: f"a tenancy {v:.1f} years old"),
    Feature("on_uc", 0, lambda v: "receives Universal Credit paid to them" if v else "not on UC"),
    Feature("on_hb", 0, lambda v: "receives Housing Benefit" if v else "no Housing Benefit"),
    Feature("pays_dd", 0, lambda v: "pays by Direct Debit" if v else "pays another way"),
    Feature("arrangement_breaches", 1, lambda v: f"has broken an arrangement {_n(v)} times"),
    Feature("in_arrangement", 0, lambda v: "keeping an arrangement" if v else "no arrangement"),
    Feature("dd_returned", 1, lambda v: "a Direct Debit came back unpaid recently" if v else ""),
    Feature("shortfall_weeks", 1, lambda v: f"a benefit shortfall of {v:.2f} weeks' rent a week"),
    Feature("month", 0, lambda v: f"the time of year (month {_n(v)})"),
    Feature(
        "technical_weeks",
        0,
        lambda v: f"{v:.1f} weeks of rent on their way (benefit or Direct Debit paid in arrears)",
    ),
    Feature(
        "paid_this_week",
        0,
        lambda v: f"paid {v:.1f} weeks' rent this week" if v else "nothing paid yet this week",
    ),
    Feature(
        "days_since_contact",
        0,
        lambda v: "no contact recorded" if v >= NO_CONTACT else f"last contacted {_n(v)} days ago",
    ),
    Feature("contacts_13", 0, lambda v: f"{_n(v)} contacts in the last 13 weeks"),
    Feature("has_notice", 0, lambda v: "a notice has been served" if v else "no notice served"),
)
NAMES = tuple(f.name for f in FEATURES)
BY_NAME = {f.name: f for f in FEATURES}
#: What is known in a tenancy's first four weeks (seed 000 2.12), for the start-of-tenancy
#: score: how the rent will be paid and whether the first weeks' rent came in. Seed 000 also
#: names age and former tenant debt; age is a protected characteristic and is never read.
START_FEATURES: tuple[Feature, ...] = tuple(
    BY_NAME[n] for n in ("weeks_owed", "on_uc", "on_hb", "pays_dd", "shortfall_weeks", "month")
)
#: Columns kept beside the features for the targets' eligibility and outcomes.
_KEPT = {
    "arrangement_state": pl.String,
    "arrangement_start": pl.Date,
    "notice_served": pl.Date,
    "patch_id": pl.Int64,
    "flags": pl.List(pl.String),
}

#: Read when the snapshot has them (a partial snapshot reads as nothing recorded).
_OPTIONAL = {
    "technical_arrears": pl.Int64,
    "paid_this_week": pl.Int64,
    "last_action_at": pl.Datetime("us"),
    "actions": pl.List(pl.Struct({"code": pl.String, "at": pl.Datetime("us")})),
}


def from_snapshot(snapshot: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """``account_id``, ``true_arrears``, ``weekly_charge`` and each feature, from the run's
    snapshot of the day."""
    charge = pl.col("weekly_charge").cast(pl.Float64)
    per_week = pl.when(charge > 0).then(charge).otherwise(None)
    days = (pl.lit(as_of) - pl.col("tenancy_start").dt.date()).dt.total_days()
    recent = pl.col("dd_returned").is_not_null() & (
        (pl.lit(as_of) - pl.col("dd_returned").dt.date()).dt.total_days() <= HORIZON_DAYS
    )
    missing = [
        pl.lit(None, dtype=t).alias(n)
        for n, t in {**_KEPT, **_OPTIONAL}.items()
        if n not in snapshot.columns
    ]
    snapshot = snapshot.with_columns(missing) if missing else snapshot
    return snapshot.select(
        "account_id",
        "true_arrears",
        "weekly_charge",
        *[pl.col(n).cast(t) for n, t in _KEPT.items()],
        tenancy_days=days.fill_null(0),
        weeks_owed=(pl.col("true_arrears").cast(pl.Float64) / per_week).fill_null(0.0),
        missed_4=pl.col("missed_payments_4_weeks").cast(pl.Float64).fill_null(0.0),
        missed_13=pl.col("missed_payments_13_weeks").cast(pl.Float64).fill_null(0.0),
        missed_in_a_row=pl.col("missed_payments_consecutive").cast(pl.Float64).fill_null(0.0),
        days_since_payment=pl.col("days_since_last_payment").cast(pl.Float64).fill_null(400.0),
        trend_weeks=(pl.col("arrears_trend").cast(pl.Float64) / per_week).fill_null(0.0),
        tenancy_years=(days.cast(pl.Float64) / 365.25).fill_null(0.0),
        on_uc=pl.col("benefit").is_in(["uc", "uc_managed"]).cast(pl.Float64).fill_null(0.0),
        on_hb=(pl.col("benefit") == "hb").cast(pl.Float64).fill_null(0.0),
        pays_dd=(pl.col("payment_method") == "direct_debit").cast(pl.Float64).fill_null(0.0),
        arrangement_breaches=pl.col("arrangement_breaches").cast(pl.Float64).fill_null(0.0),
        in_arrangement=(pl.col("arrangement_state") == "live").cast(pl.Float64).fill_null(0.0),
        dd_returned=recent.cast(pl.Float64).fill_null(0.0),
        shortfall_weeks=(pl.col("hb_shortfall").cast(pl.Float64) / per_week).fill_null(0.0),
        month=pl.lit(float(as_of.month)),
        technical_weeks=(pl.col("technical_arrears").cast(pl.Float64) / per_week).fill_null(0.0),
        paid_this_week=(pl.col("paid_this_week").cast(pl.Float64) / per_week).fill_null(0.0),
        days_since_contact=(pl.lit(as_of) - pl.col("last_action_at").dt.date())
        .dt.total_days()
        .cast(pl.Float64)
        .fill_null(NO_CONTACT),
        contacts_13=pl.col("actions")
        .list.eval(
            (pl.element().struct.field("at").dt.date() >= as_of - CONTACT_WINDOW).cast(pl.Int32)
        )
        .list.sum()
        .cast(pl.Float64)
        .fill_null(0.0),
        has_notice=pl.col("notice_served").is_not_null().cast(pl.Float64),
    )


def matrix(frame: pl.DataFrame, feats: tuple[Feature, ...] = FEATURES) -> np.ndarray:
    return frame.select([f.name for f in feats]).to_numpy().astype(np.float64)
