"""The legal pathway a housing system holds: notices served, court cases with their hearing,
outcome and terms, warrants and evictions, as import kinds of the one door
(imports/declared.py; docs/imports.md).

A migrated notice or court case is a fact already done elsewhere: the pre-action checks that
stop an officer recording a notice in rentbook (legal/services.py) are not applied to it, and
court costs are not posted (the transactions file carries the ledger's entries). What rentbook
writes when an officer records the same is written too: the diary entry the run reads (NOSP,
S8 or NOP when served, CRT when applied for, WPA when a warrant is applied for) and the
eviction under a warrant.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from rentbook.cases.import_kinds import follow_on_entries, noon
from rentbook.imports.declared import Applied, Field, Kind, Prepared, register
from rentbook.imports.loaders import fetch_frame
from rentbook.legal import rules
from rentbook.legal.models import CourtCase, Eviction, Notice

# ---- notices --------------------------------------------------------------------------------


def _notice_dates(served: date | None, kind: str | None) -> dict[str, date | None]:
    if served is None or kind is None:
        return {"earliest": None, "expires": None}
    earliest, expires = rules.notice_dates(kind, served)
    return {"earliest": earliest, "expires": expires}


def _prepare_notices(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    dates = pl.Series(
        [
            _notice_dates(s, k)
            for s, k in zip(rows["served_on"].to_list(), rows["type"].to_list(), strict=True)
        ],
        dtype=pl.Struct({"earliest": pl.Date, "expires": pl.Date}),
    ).struct.unnest()
    rows = rows.with_columns(
        earliest_court_on=pl.col("earliest_court_on").fill_null(dates["earliest"]),
        expires_on=pl.col("expires_on").fill_null(dates["expires"]),
    )
    served = rows["served_on"]
    p.checks.where(
        "earliest_court_on", rows["earliest_court_on"] < served, "before the notice was served"
    )
    p.checks.where("expires_on", rows["expires_on"] < served, "before the notice was served")
    p.checks.where("withdrawn_on", rows["withdrawn_on"] < served, "before the notice was served")
    return rows


def _after_notices(done: Applied) -> None:
    rows = pl.concat([done.new, done.changed])
    follow_on_entries(
        done.run,
        rows.select(
            "account_id",
            import_ref=pl.format("notice:{}", "import_ref"),
            code=pl.col("type").replace_strict(rules.NOTICE_CODE, return_dtype=pl.String),
            at=noon(pl.col("served_on")),
        ),
    )


NOTICES = register(
    Kind(
        name="notices",
        model=Notice,
        key="notice_ref",
        fields=(
            Field(
                "type",
                "choice",
                required=True,
                choices=tuple(rules.NOTICE_TYPES),
                aliases={"s8": "section8", "section_8": "section8", "nosp": "nosp"},
            ),
            Field("served_on", "date", required=True),
            Field("earliest_court_on", "date", help="default: as the law sets it"),
            Field("expires_on", "date", help="default: as the law sets it"),
            Field("grounds", "text", max_length=100, default=""),
            Field("withdrawn_on", "date"),
        ),
        constants=lambda run: {"steps": "[]", "recorded_at": run.now},
        prepare=_prepare_notices,
        after=_after_notices,
        description="notices served: NOSP, section 8, notice of proceedings",
    )
)


# ---- court cases ----------------------------------------------------------------------------

TERMS = [o.code for o in rules.OUTCOMES if o.terms]


def _prepare_court(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    # A notice named by its reference must have been imported from the same source.
    notices = fetch_frame(
        f"SELECT import_ref, id FROM {Notice._meta.db_table} WHERE import_source = %s",
        [p.run.source],
        {"_notice_ref": pl.String, "notice_id": pl.Int64},
    )
    rows = rows.join(notices, on="_notice_ref", how="left", maintain_order="left")
    c.where(
        "notice_ref",
        rows["_notice_ref"].is_not_null() & rows["notice_id"].is_null(),
        "no notice '{}' (import notices first)",
        rows["_notice_ref"],
    )
    outcome = rows["outcome"]
    rows = rows.with_columns(
        outcome_on=pl.when(pl.col("outcome").is_not_null())
        .then(pl.coalesce("outcome_on", "hearing_on"))
        .otherwise(pl.col("outcome_on")),
        struck_out_on=pl.when(pl.col("outcome") == "STR")
        .then(pl.coalesce("struck_out_on", "outcome_on", "hearing_on"))
        .otherwise(pl.col("struck_out_on")),
    )
    c.where(
        "outcome_on",
        outcome.is_not_null() & rows["outcome_on"].is_null(),
        "an outcome needs its date (outcome_on or hearing_on)",
    )
    c.where(
        "outcome",
        outcome.is_null() & rows["outcome_on"].is_not_null(),
        "an outcome date needs the outcome",
    )
    applied = rows["applied_on"]
    c.where("hearing_on", rows["hearing_on"] < applied, "before the case was applied for")
    c.where("outcome_on", rows["outcome_on"] < applied, "before the case was applied for")
    terms = rows["terms_weekly"]
    c.where(
        "terms_weekly",
        outcome.is_in(TERMS) & (terms.is_null() | (terms <= 0)),
        "an order on terms needs the weekly amount off the arrears",
    )
    c.where(
        "terms_weekly",
        ~outcome.is_in(TERMS).fill_null(False) & terms.is_not_null(),
        "only an order on terms has a weekly amount",
    )
    c.where("costs", rows["costs"] < 0, "court costs cannot be negative")
    c.where(
        "warrant_applied_on",
        rows["warrant_applied_on"].is_not_null()
        & ~outcome.is_in(list(rules.WARRANT_OUTCOMES)).fill_null(False),
        "a warrant needs a possession order or decree",
    )
    c.where(
        "eviction_on",
        rows["eviction_on"].is_not_null() & rows["warrant_issued_on"].is_null(),
        "an eviction date needs the date the warrant was issued",
    )
    c.where(
        "eviction_on",
        rows["eviction_on"] <= rows["warrant_issued_on"],
        "the eviction must be after the warrant was issued",
    )
    ev = rows["_eviction_outcome"]
    c.where(
        "eviction_outcome",
        ev.is_not_null() & rows["eviction_on"].is_null(),
        "an eviction outcome needs the eviction date",
    )
    c.where(
        "eviction_outcome_on",
        ev.is_not_null() & rows["_eviction_outcome_on"].is_null(),
        "an eviction outcome needs its date",
    )
    return rows.with_columns(pl.col("outcome").fill_null(""))  # blank until decided


def _after_court(done: Applied) -> None:
    rows = pl.concat([done.new, done.changed])
    crt = rows.select(
        "account_id",
        import_ref=pl.format("court:{}:CRT", "import_ref"),
        code=pl.lit("CRT"),
        at=noon(pl.col("applied_on")),
    )
    wpa = rows.filter(pl.col("warrant_applied_on").is_not_null()).select(
        "account_id",
        import_ref=pl.format("court:{}:WPA", "import_ref"),
        code=pl.lit("WPA"),
        at=noon(pl.col("warrant_applied_on")),
    )
    follow_on_entries(done.run, pl.concat([crt, wpa]))
    _evictions(done.named.filter(pl.col("eviction_on").is_not_null()))


def _evictions(rows: pl.DataFrame) -> None:
    """The eviction under each warrant with a date (a handful a night: by the ORM)."""
    if rows.height == 0:
        return
    held = {
        e.court_case_id: e for e in Eviction.objects.filter(court_case_id__in=rows["id"].to_list())
    }
    for r in rows.iter_rows(named=True):
        wanted = {
            "eviction_on": r["eviction_on"],
            "outcome": r["_eviction_outcome"] or "",
            "outcome_on": r["_eviction_outcome_on"],
        }
        ev = held.get(r["id"])
        if ev is None:
            Eviction.objects.create(court_case_id=r["id"], **wanted)
        elif any(getattr(ev, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(ev, k, v)
            ev.save()  # audited by the model's signals


COURT_CASES = register(
    Kind(
        name="court_cases",
        model=CourtCase,
        key="court_ref",
        depends=("tenancies", "notices"),
        fields=(
            Field("notice_ref", "text", db="", help="the notice it proceeds on, if imported"),
            Field("applied_on", "date", required=True),
            Field("hearing_on", "date"),
            Field("outcome", "choice", choices=tuple(o.code for o in rules.OUTCOMES)),
            Field("outcome_on", "date", help="default: the hearing date"),
            Field("terms_weekly", "money", help="for an order on terms: a week off the arrears"),
            Field("costs", "money", default=0, help="recorded, not posted"),
            Field("struck_out_on", "date"),
            Field("warrant_applied_on", "date"),
            Field("warrant_issued_on", "date"),
            Field("eviction_on", "date"),
            Field(
                "eviction_outcome",
                "choice",
                db="",
                choices=tuple(Eviction.Outcome.values),
            ),
            Field("eviction_outcome_on", "date", db=""),
        ),
        derived=("notice_id",),
        constants=lambda run: {"created_at": run.now},
        prepare=_prepare_court,
        after=_after_court,
        description="court cases: hearing, outcome and terms, costs, warrant and eviction",
    )
)
