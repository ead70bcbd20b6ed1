"""The run's facts about Direct Debits: the latest money a Direct Debit did not bring in, by
as_of: a collection returned unpaid (ARUDD) or reclaimed under the Guarantee (DDICA).

Facts: dd_returned (the day it was reported), dd_return_reason (its reason's words).

The arrears run (engine/features.py) left-joins this frame on account_id; an account with no
return has both missing. One query over the returns and claims, which are few.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from rentbook.banking.codes import ARUDD, DDICA
from rentbook.banking.models import IndemnityClaim, ReturnedDebit
from rentbook.ledger.positions import as_text, query_frame
from rentbook.policy.facts import SCHEMA

FACTS = ("dd_returned", "dd_return_reason")


def run_facts(as_of: date, open_sql: str) -> pl.DataFrame:
    schema = {"account_id": pl.Int64(), "on": pl.Date(), "code": pl.Utf8(), "id": pl.Int64()}
    # a claim's code is told from a return's by its prefix: "C1" is DDICA 1
    rows = query_frame(
        f"SELECT r.account_id, {as_text('r.reported_on')}, r.reason_code, r.id"
        f" FROM {ReturnedDebit._meta.db_table} r WHERE r.reported_on <= %s"
        f" AND r.account_id IN ({open_sql})"
        f" UNION ALL SELECT c.account_id, {as_text('c.reported_on')}, 'C' || c.reason_code, c.id"
        f" FROM {IndemnityClaim._meta.db_table} c WHERE c.reported_on <= %s"
        f" AND c.account_id IN ({open_sql})",
        [as_of.isoformat(), as_of.isoformat()],
        schema,
    )
    meaning = {c: r.meaning for c, r in ARUDD.items()}
    meaning |= {f"C{c}": f"reclaimed (indemnity claim): {r.meaning}" for c, r in DDICA.items()}
    return (
        rows.sort("account_id", "on", "id")
        .group_by("account_id")
        .agg(pl.col("on").last().alias("dd_returned"), pl.col("code").last())
        .with_columns(
            dd_return_reason=pl.col("code").replace_strict(
                meaning, default=None, return_dtype=pl.Utf8
            )
        )
        .select(
            "account_id",
            pl.col("dd_returned").cast(SCHEMA["dd_returned"]),
            pl.col("dd_return_reason").cast(SCHEMA["dd_return_reason"]),
        )
    )
