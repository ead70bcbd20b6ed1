"""The case state a housing system holds that the cases app keeps: the action diary, flags
and holds (pauses), as import kinds of the one door (imports/declared.py; docs/imports.md)."""

from __future__ import annotations

from collections import Counter

import polars as pl

from rentbook.cases.code_mapping import NOT_AN_ACTION, MappingError, load_mapping
from rentbook.cases.codes import BY_CODE
from rentbook.cases.models import DiaryEntry, Flag, Pause
from rentbook.imports.declared import LONDON, Field, Kind, Prepared, insert, read_held, register
from rentbook.imports.reading import FileError
from rentbook.imports.run import Run

# ---- diary ----------------------------------------------------------------------------------


def _prepare_diary(p: Prepared) -> pl.DataFrame:
    try:
        mapping = load_mapping(p.run.options.get("codes"))
    except MappingError as e:
        raise FileError(f"the code mapping: {e}") from None
    codes = p.rows.get_column("source_code")
    uniques = [c for c in codes.drop_nulls().unique().to_list()]
    resolved = {c: mapping.resolve(c) for c in uniques}
    code = codes.replace_strict(
        {c: (r[0] if r else c.upper()) for c, r in resolved.items()},
        default=None,
        return_dtype=pl.String,
    )
    category = codes.replace_strict(
        {c: (r[1] if r else NOT_AN_ACTION) for c, r in resolved.items()},
        default=None,
        return_dtype=pl.String,
    )
    amount = p.rows.get_column("promise_amount")
    p.checks.where(
        "promise_amount", amount.is_not_null() & (amount <= 0), "a promise must be more than £0"
    )
    p.checks.where(
        "promise_date",
        p.rows.get_column("promise_date").is_not_null() ^ amount.is_not_null(),
        "a promise needs both promise_amount and promise_date",
    )
    unmapped = Counter(
        {c: n for c, n in codes.value_counts().iter_rows() if c is not None and not resolved[c]}
    )
    if unmapped:
        listing = ", ".join(f"{c} ({n:,})" for c, n in unmapped.most_common(20))
        more = len(unmapped) - 20
        p.run.result.notes.append(
            f"Unmapped codes, kept as notes the run does not count: {listing}"
            + (f" and {more} more" if more > 0 else "")
            + f" (mapping: {mapping.name})."
        )
    return p.rows.with_columns(code=code, category=category)


DIARY = register(
    Kind(
        name="diary",
        model=DiaryEntry,
        key="diary_ref",
        fields=(
            Field("at", "datetime", required=True, help="when it was done (London time)"),
            Field(
                "code",
                "text",
                required=True,
                db="source_code",
                max_length=20,
                help="the housing system's action code, mapped by --codes",
            ),
            Field("officer", "text", db="officer_name", max_length=100, default=""),
            Field("outcome", "text", max_length=60, default=""),
            Field("note", "text", default=""),
            Field("promise_amount", "money"),
            Field("promise_date", "date"),
        ),
        derived=("code", "category"),
        constants=lambda run: {
            "source": DiaryEntry.Source.IMPORT.value,
            "delivery_status": "",
            "recorded_at": run.now,
        },
        prepare=_prepare_diary,
        description="the action diary: what was done on each case, when and by whom",
    )
)


# ---- flags ----------------------------------------------------------------------------------


def _prepare_flags(p: Prepared) -> pl.DataFrame:
    starts, ends = p.rows.get_column("starts_on"), p.rows.get_column("ends_on")
    p.checks.where("ends_on", ends < starts, "the flag ends before it starts")
    return p.rows


FLAGS = register(
    Kind(
        name="flags",
        model=Flag,
        key="flag_ref",
        fields=(
            Field(
                "type",
                "choice",
                required=True,
                choices=tuple(Flag.Type.values),
                aliases={
                    "breathing_space_standard": "breathing_space",
                    "standard_breathing_space": "breathing_space",
                    "mental_health_crisis_moratorium": "mental_health_crisis",
                    "vulnerability": "vulnerable",
                    "disputed": "dispute",
                    "benefit_claim": "benefit_claim_pending",
                    "pending_benefit_claim": "benefit_claim_pending",
                },
            ),
            Field("starts_on", "date", required=True),
            Field("ends_on", "date", help="empty while it holds; a date closes it"),
            Field("note", "text", default=""),
        ),
        constants=lambda run: {"created_at": run.now},
        prepare=_prepare_flags,
        description="flags with their dates: breathing space, vulnerability, dispute...",
    )
)


# ---- holds ----------------------------------------------------------------------------------


def _midnight(col: pl.Series) -> pl.Series:
    return (
        col.cast(pl.Datetime("us"))
        .dt.replace_time_zone(LONDON.key, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )


def _prepare_holds(p: Prepared) -> pl.DataFrame:
    starts, until = p.rows.get_column("_starts_on"), p.rows.get_column("until")
    lifted = p.rows.get_column("_lifted_on")
    p.checks.where("until", until < starts, "the hold ends before it starts")
    p.checks.where("lifted_on", lifted < starts, "the hold is lifted before it starts")
    return p.rows.with_columns(
        starts_at=_midnight(starts),
        lifted_at=_midnight(lifted),
    )


HOLDS = register(
    Kind(
        name="holds",
        model=Pause,
        key="hold_ref",
        fields=(
            Field(
                "hold_reason",
                "choice",
                required=True,
                db="reason",
                choices=tuple(Pause.Reason.values),
            ),
            Field("starts_on", "date", required=True, db=""),
            Field("until", "date", required=True, help="the last day it holds"),
            Field("lifted_on", "date", db="", help="a date lifts it early"),
            Field("note", "text", default=""),
        ),
        derived=("starts_at", "lifted_at"),
        prepare=_prepare_holds,
        description="holds (pauses) an officer put on a case until a date, with the reason",
    )
)


# ---- diary entries that follow from other imported records -----------------------------------


def follow_on_entries(run: Run, entries: pl.DataFrame) -> int:
    """Write the diary entries imported records imply, as rentbook writes them when an
    officer records the same (a served notice's NOSP, a court application's CRT, a warrant's
    WPA at noon that day), so the run reads an imported history as one made here.

    ``entries``: account_id, import_ref (unique in the source, such as ``court:C1:CRT``),
    code, at (UTC). An entry already written moves when its record's date changed."""
    if entries.height == 0:
        return 0
    table = DiaryEntry._meta.db_table
    entries = entries.with_columns(
        category=pl.col("code").replace_strict(
            {c: a.category for c, a in BY_CODE.items()}, return_dtype=pl.String
        )
    )
    rows = entries.select(
        "account_id",
        "at",
        "code",
        "category",
        "import_ref",
        import_source=pl.lit(run.source),
        source=pl.lit(DiaryEntry.Source.IMPORT.value),
        source_code=pl.col("code"),
        officer_name=pl.lit(""),
        outcome=pl.lit(""),
        note=pl.lit(""),
        delivery_status=pl.lit(""),
        recorded_at=pl.lit(run.now, dtype=pl.Datetime("us", "UTC")),
    )
    written = insert(table, rows, ("import_source", "import_ref"))
    if written < entries.height:
        wanted = entries.get_column("import_ref")
        held = read_held(table, run.source, {"at": pl.Datetime("us", "UTC")}, wanted).join(
            entries.select("import_ref", pl.col("at").alias("wanted")), on="import_ref"
        )
        moved = [
            DiaryEntry(pk=i, at=at)
            for i, at in held.filter(pl.col("at") != pl.col("wanted"))
            .select("id", "wanted")
            .iter_rows()
        ]
        if moved:
            DiaryEntry.objects.bulk_update(moved, ["at"], batch_size=2000)
    return written


def noon(days: pl.Expr) -> pl.Expr:
    """Noon that day in London, as a UTC instant (as rentbook dates what a date records)."""
    return (
        (days.cast(pl.Datetime("us")) + pl.duration(hours=12))
        .dt.replace_time_zone(LONDON.key, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )
