"""The run's facts about notices, court cases and evictions.

Facts: notice_expires, court_date, court_outcome, court_terms, court_struck_out, eviction_date,
serial_decrees.

The arrears run (engine/features.py) left-joins this frame on account_id; an account with
no row, or a column not returned, has the fact missing (null), which the policies read as
"nothing recorded". Four queries, whatever the number of accounts.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from rentbook.ledger.models import Account
from rentbook.ledger.positions import as_text, query_frame
from rentbook.legal.models import CourtCase, Eviction, Notice
from rentbook.legal.rules import OUTCOME_BY_CODE, WARRANT_OUTCOMES
from rentbook.policy.facts import SCHEMA
from rentbook.portfolio.models import Tenancy

FACTS = (
    "notice_expires",
    "court_date",
    "court_outcome",
    "court_terms",
    "court_struck_out",
    "eviction_date",
    "serial_decrees",
)
TERMS = [code for code, o in OUTCOME_BY_CODE.items() if o.terms]


def run_facts(as_of: date, open_sql: str) -> pl.DataFrame:
    """One row per open account (open_sql selects their ids) with something recorded as of
    as_of: account_id and the facts above, typed as policy/facts.py's SCHEMA."""
    day = as_of.isoformat()
    notices = query_frame(
        f"SELECT n.account_id, {as_text('n.served_on')}, {as_text('n.expires_on')}, n.id"
        f" FROM {Notice._meta.db_table} n WHERE n.served_on <= %s"
        f" AND n.account_id IN ({open_sql})",
        [day],
        {
            "account_id": pl.Int64(),
            "served": pl.Date(),
            "notice_expires": pl.Date(),
            "id": pl.Int64(),
        },
    )
    notices = (
        notices.sort("account_id", "served", "id")
        .group_by("account_id")
        .agg(pl.col("notice_expires").last())
    )
    # The latest court case applied for by as_of; its outcome only once decided by as_of.
    courts = query_frame(
        f"SELECT c.id, c.account_id, {as_text('c.applied_on')}, {as_text('c.hearing_on')},"
        f" c.outcome, {as_text('c.outcome_on')}, {as_text('c.struck_out_on')},"
        f" {as_text('c.eviction_on')}"
        f" FROM {CourtCase._meta.db_table} c WHERE c.applied_on <= %s"
        f" AND c.account_id IN ({open_sql})",
        [day],
        {
            "id": pl.Int64(),
            "account_id": pl.Int64(),
            "applied": pl.Date(),
            "hearing": pl.Date(),
            "outcome": pl.Utf8(),
            "outcome_on": pl.Date(),
            "struck": pl.Date(),
            "eviction": pl.Date(),
        },
    )
    decided = pl.col("outcome_on").is_not_null() & (pl.col("outcome_on") <= as_of)
    courts = (
        courts.sort("account_id", "applied", "id")
        .group_by("account_id")
        .agg(pl.all().last())
        .select(
            "account_id",
            "id",
            pl.coalesce("hearing", "outcome_on").alias("court_date"),
            pl.when(decided & (pl.col("outcome") != ""))
            .then(pl.col("outcome"))
            .alias("court_outcome"),
            (decided & pl.col("outcome").is_in(TERMS)).alias("court_terms"),
            pl.when(pl.col("struck") <= as_of).then(pl.col("struck")).alias("court_struck_out"),
            pl.col("eviction").alias("case_eviction"),
        )
    )
    # An eviction date holds unless the eviction was cancelled or stayed by as_of.
    evictions = query_frame(
        f"SELECT e.court_case_id, {as_text('e.eviction_on')}, e.outcome, {as_text('e.outcome_on')}"
        f" FROM {Eviction._meta.db_table} e JOIN {CourtCase._meta.db_table} c"
        f" ON c.id = e.court_case_id WHERE c.account_id IN ({open_sql})",
        [],
        {"id": pl.Int64(), "ev_on": pl.Date(), "ev_outcome": pl.Utf8(), "ev_out_on": pl.Date()},
    )
    ended = pl.col("ev_outcome").is_in(["cancelled", "stayed"]) & (pl.col("ev_out_on") <= as_of)
    courts = courts.join(evictions, on="id", how="left").select(
        "account_id",
        "court_date",
        "court_outcome",
        "court_terms",
        "court_struck_out",
        pl.when(ended)
        .then(None)
        .otherwise(pl.coalesce("ev_on", "case_eviction"))
        .alias("eviction_date"),
    )
    # The serial-decree rule: three possession orders or decrees within ten years of the start.
    codes = ", ".join(f"'{c}'" for c in sorted(WARRANT_OUTCOMES))
    orders = query_frame(
        f"SELECT c.account_id, {as_text('c.outcome_on')}, {as_text('t.start_date')}"
        f" FROM {CourtCase._meta.db_table} c"
        f" JOIN {Account._meta.db_table} a ON a.id = c.account_id"
        f" JOIN {Tenancy._meta.db_table} t ON t.id = a.tenancy_id"
        f" WHERE c.outcome IN ({codes}) AND c.outcome_on <= %s AND c.account_id IN ({open_sql})",
        [day],
        {"account_id": pl.Int64(), "on": pl.Date(), "start": pl.Date()},
    )
    serial = (
        orders.filter(
            (pl.col("on") >= pl.col("start"))
            & (pl.col("on") <= pl.col("start").dt.offset_by("10y"))
        )
        .group_by("account_id")
        .agg((pl.len() >= 3).alias("serial_decrees"))
    )
    out = notices.join(courts, on="account_id", how="full", coalesce=True)
    out = out.join(serial, on="account_id", how="full", coalesce=True)
    return out.select(
        pl.col("account_id").cast(pl.Int64),
        *[pl.col(f).cast(SCHEMA[f]) for f in FACTS],
    )
