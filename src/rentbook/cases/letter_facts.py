"""The run's facts about letters sent.

Facts: latest_letter_status, latest_letter_income.

A letter rentbook sends (comms) writes a diary entry in the letter category and keeps the mail
service's latest status for it on that entry (``DiaryEntry.delivery_status``). The latest such
letter of an account gives its facts: its status ("validation-failed" puts it back in front of
an officer under the hackney policy) and, as every letter rentbook sends is an income letter,
latest_letter_income is yes.

The arrears run (engine/features.py) left-joins this frame on account_id; an account with
no row, or a column not returned, has the fact missing (null), which the policies read as
"nothing recorded".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection

from rentbook.cases.models import Category, DiaryEntry
from rentbook.ledger.positions import query_frame

LONDON = ZoneInfo("Europe/London")


def _before(as_of: date) -> object:
    """The first instant after as_of (London midnight), as a parameter for a timestamp column."""
    aware = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    if connection.vendor == "postgresql":
        return aware
    return aware.replace(tzinfo=None).isoformat(sep=" ")


def run_facts(as_of: date, open_sql: str) -> pl.DataFrame:
    """One row per open account (open_sql selects their ids) with something recorded as of
    as_of: account_id and the facts above, typed as policy/facts.py's SCHEMA."""
    table = DiaryEntry._meta.db_table
    rows = query_frame(
        f"SELECT d.account_id, d.id, d.delivery_status FROM {table} d"
        f" WHERE d.category = %s AND d.delivery_status <> '' AND d.at < %s"
        f" AND d.account_id IN ({open_sql})"
        " ORDER BY d.account_id, d.at, d.id",
        [Category.LETTER.value, _before(as_of)],
        {"account_id": pl.Int64(), "id": pl.Int64(), "delivery_status": pl.Utf8()},
    )
    # rows come sorted by instant, so the last per account is its latest letter
    return rows.group_by("account_id", maintain_order=True).agg(
        pl.col("delivery_status").last().alias("latest_letter_status"),
        pl.lit(True).alias("latest_letter_income"),
    )
