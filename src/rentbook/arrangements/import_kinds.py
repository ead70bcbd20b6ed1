"""Payment arrangements a housing system holds, with their terms, state and breach history,
as an import kind of the one door (imports/declared.py; docs/imports.md).

The run derives an arrangement's state from its schedule and the ledger (arrangements/facts.py),
as for one made in rentbook; the state imported is the state last recorded, and the breach
counts carry the history: ``breaches`` of this arrangement and ``prior_breaches`` of those it
replaced, which the policies read as "broken a second time".
"""

from __future__ import annotations

import polars as pl

from rentbook.arrangements.breach import DEFAULT_TOLERANCE_DAYS, DEFAULT_TOLERANCE_PENCE, State
from rentbook.arrangements.models import Arrangement, Kind, Statement, StatementLine
from rentbook.arrangements.schedules import Frequency
from rentbook.arrangements.services import REVIEW_MONTHS
from rentbook.arrangements.statements import ITEMS, SECTION_OF
from rentbook.imports.declared import Applied, Field, Prepared, parse_column, register
from rentbook.imports.declared import Kind as ImportKind
from rentbook.ledger.models import PaymentMethod

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _prepare(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    start = rows["start"]
    rows = rows.with_columns(
        first_payment=pl.col("first_payment").fill_null(pl.col("start")),
        review_on=pl.col("review_on").fill_null(pl.col("start").dt.offset_by(f"{REVIEW_MONTHS}mo")),
        weekday=pl.col("_weekday")
        .str.to_lowercase()
        .replace_strict({d: i for i, d in enumerate(WEEKDAYS)}, default=None, return_dtype=pl.Int64)
        .fill_null(pl.col("_weekday").cast(pl.Int64, strict=False)),
    )
    wd = p.text["weekday"]
    c.where(
        "weekday",
        wd.is_not_null() & (rows["weekday"].is_null() | ~rows["weekday"].is_between(0, 6)),
        "'{}' is not a weekday (monday to sunday, or 0 for Monday to 6)",
        wd,
    )
    freq = rows["frequency"]
    monthly = freq == Frequency.MONTHLY.value
    c.where(
        "day_of_month",
        monthly & rows["day_of_month"].is_null() & rows["nth"].is_null(),
        "a monthly arrangement needs day_of_month, or nth and weekday",
    )
    c.where(
        "weekday",
        monthly & rows["nth"].is_not_null() & rows["weekday"].is_null(),
        "a monthly weekday needs the weekday",
    )
    c.where(
        "nth",
        rows["nth"].is_not_null() & ~rows["nth"].is_in([1, 2, 3, 4, -1]),
        "nth is 1 to 4, or -1 for the last in the month",
    )
    instalment = rows["instalment"]
    c.where(
        "instalment",
        (freq != Frequency.ONE_OFF.value) & (instalment <= 0),
        "an instalment must be more than £0",
    )
    c.where("instalment", instalment < 0, "an instalment cannot be negative")
    c.where(
        "starting_balance", rows["starting_balance"] <= 0, "nothing to clear: must be more than £0"
    )
    c.where("lump_sum", rows["lump_sum"] < 0, "a lump sum cannot be negative")
    c.where(
        "lump_sum_on",
        (rows["lump_sum"] > 0) & rows["lump_sum_on"].is_null(),
        "a lump sum needs its date",
    )
    c.where("first_payment", rows["first_payment"] < start, "before the arrangement starts")
    c.where("cancelled_on", rows["cancelled_on"] < start, "before the arrangement starts")
    c.where(
        "cancelled_on",
        (rows["state"] == State.CANCELLED.value) & rows["cancelled_on"].is_null(),
        "a cancelled arrangement needs the date it was cancelled",
    )
    return rows


ARRANGEMENTS = register(
    ImportKind(
        name="arrangements",
        model=Arrangement,
        key="arrangement_ref",
        fields=(
            Field(
                "type",
                "choice",
                required=True,
                db="kind",
                choices=tuple(Kind.values),
                aliases={"formal": "court_ordered", "court": "court_ordered"},
            ),
            Field(
                "frequency",
                "choice",
                required=True,
                choices=tuple(f.value for f in Frequency),
                aliases={
                    "4_weekly": "four_weekly",
                    "four-weekly": "four_weekly",
                    "once": "one_off",
                },
            ),
            Field("day_of_month", "int", lo=1, hi=31),
            Field("weekday", "text", db=""),
            Field("nth", "int", lo=-1, hi=4),
            Field("instalment", "money", required=True),
            Field("ongoing_charge", "money", default=0),
            Field("lump_sum", "money", default=0),
            Field("lump_sum_on", "date"),
            Field("start", "date", required=True),
            Field("first_payment", "date", help="default: the start"),
            Field("payment_method", "choice", required=True, choices=tuple(PaymentMethod.values)),
            Field("tolerance_days", "int", lo=0, hi=60, default=DEFAULT_TOLERANCE_DAYS),
            Field("tolerance_pence", "money", default=DEFAULT_TOLERANCE_PENCE),
            Field("starting_balance", "money", required=True),
            Field("review_on", "date", help=f"default: {REVIEW_MONTHS} months after the start"),
            Field("state", "choice", choices=tuple(s.value for s in State), default="live"),
            Field("breaches", "int", lo=0, hi=1000, default=0),
            Field("prior_breaches", "int", lo=0, hi=1000, default=0),
            Field("cancelled_on", "date"),
            Field("cancel_reason", "text", max_length=200, default=""),
        ),
        derived=("weekday",),
        constants=lambda run: {"created_at": run.now},
        prepare=_prepare,
        description="payment arrangements: terms, instalments, state and breach history",
    )
)


# ---- income and expenditure statements ----------------------------------------------------

ITEM_FIELDS = tuple(
    Field(item, "money", db="", help=f"{label}: pounds a month") for _, item, label in ITEMS
)


def _prepare_statements(p: Prepared) -> pl.DataFrame:
    parts = []
    for f in ITEM_FIELDS:
        pence = parse_column(f, p.text[f.column], p.checks)
        p.checks.where(f.column, pence < 0, "an amount a month cannot be negative")
        parts.append(
            pl.when(pence.is_not_null() & (pence != 0))
            .then(pl.format(f"{f.column}={{}}", pence))
            .otherwise(None)
        )
    lines = pl.select(pl.concat_str(parts, separator=",", ignore_nulls=True).alias("x"))
    return p.rows.with_columns(import_lines=lines.to_series().fill_null(""))


def _after_statements(done: Applied) -> None:
    """Each new or changed statement's lines, written from the file's amounts."""
    fresh = pl.concat(
        [done.new.select("id", "import_lines"), done.changed.select("id", "import_lines")]
    )
    if fresh.height == 0:
        return
    ids = fresh["id"].to_list()
    StatementLine.objects.filter(statement_id__in=ids).delete()
    lines = []
    for statement_id, text in fresh.iter_rows():
        for pair in filter(None, (text or "").split(",")):
            item, pence = pair.split("=")
            lines.append(
                StatementLine(
                    statement_id=statement_id,
                    section=SECTION_OF[item],
                    item=item,
                    monthly=int(pence),
                )
            )
    StatementLine.objects.bulk_create(lines, batch_size=5000)


STATEMENTS = register(
    ImportKind(
        name="statements",
        model=Statement,
        key="statement_ref",
        fields=(
            Field("taken_on", "date", required=True),
            Field("adults", "int", lo=1, hi=20, default=1),
            Field("children", "int", lo=0, hi=20, default=0),
            Field("note", "text", default=""),
            *ITEM_FIELDS,
        ),
        derived=("import_lines",),
        prepare=_prepare_statements,
        after=_after_statements,
        constants=lambda run: {"created_at": run.now},
        description="income and expenditure statements in the Standard Financial Statement's items",
    )
)
