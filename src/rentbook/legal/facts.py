"""The run's facts about notices, court cases and evictions.

Facts: notice_expires, court_date, court_outcome, court_terms, court_struck_out, eviction_date.

The arrears run (engine/features.py) left-joins this frame on account_id; an account with
no row, or a column not returned, has the fact missing (null), which the policies read as
"nothing recorded".
"""

from __future__ import annotations

from datetime import date

import polars as pl


def run_facts(as_of: date, open_sql: str) -> pl.DataFrame:
    """One row per open account (open_sql selects their ids) with something recorded as of
    as_of: account_id and the facts above, typed as policy/facts.py's SCHEMA."""
    return pl.DataFrame(schema={"account_id": pl.Int64})
