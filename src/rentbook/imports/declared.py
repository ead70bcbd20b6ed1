"""Import kinds declared as schemas, loaded by one importer: the case state a housing system
holds (the action diary, flags and holds, notices, court cases, arrangements...).

A kind is data: its file columns with their types, the column holding each row's reference
(its key within the source), the model it fills, which fields a later file may change, and
two optional hooks (``prepare`` to derive and check what the types cannot, ``after`` for what
follows from the rows, such as the diary entry a served notice makes). Each app that owns the
records declares its kinds (``import_kinds.py``) and registers them here when it is ready, so
the door never imports the apps after it.

What every declared kind guarantees, as the ledger's kinds do (docs/imports.md):

- each row checked; a rejected row named with its line, column and reason; the good rows kept;
- keyed by (source, reference): a row already imported is *already present*, or *updated* (and
  audited with its before and after) when a field a file may change differs;
- the whole file in the caller's one transaction, written in bulk (COPY or executemany).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection, models

from rentbook.imports import parsing
from rentbook.imports.auditing import plain, record_changes
from rentbook.imports.checks import Checks, good_rows
from rentbook.imports.loaders import fetch_frame, loader
from rentbook.imports.models import IMPORT_REF_MAX
from rentbook.imports.reading import LINE, Columns, FileError, Table, read_all
from rentbook.imports.run import Run
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Tenancy

LONDON = ZoneInfo("Europe/London")

#: Types a declared column may have, and the Polars type each is parsed to.
TYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us", "UTC"),
    "money": pl.Int64(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
    "choice": pl.String(),
}


@dataclass(frozen=True)
class Field:
    """One column of a declared kind's file."""

    column: str
    type: str = "text"
    required: bool = False
    #: The model field it fills (default: the column's name); "" for a column only the
    #: kind's hooks read.
    db: str | None = None
    max_length: int = 0
    choices: tuple[str, ...] = ()
    #: Alternative spellings a file may use for a choice, mapped to the choice.
    aliases: Mapping[str, str] = field(default_factory=dict)
    lo: int = 0
    hi: int = 1_000_000
    #: Whether a later file may change it on a record already imported.
    updatable: bool = True
    #: The value stored when the column is absent or empty.
    default: Any = None
    help: str = ""

    @property
    def target(self) -> str:
        return self.column if self.db is None else self.db


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` is given: the typed rows (one column per field's target, plus LINE,
    ``import_ref`` and ``account_id``), the raw cleaned text of every column, and the checks
    to add problems to."""

    rows: pl.DataFrame
    text: dict[str, pl.Series]
    checks: Checks
    run: Run


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    #: The column holding each row's reference in the source system.
    key: str
    fields: tuple[Field, ...]
    #: The kinds whose records this kind's rows name (imported first by ``rentbook sync``).
    depends: tuple[str, ...] = ("tenancies",)
    #: Model fields set on new records only, computed once per import.
    constants: Callable[[Run], dict[str, Any]] = lambda run: {}
    #: Derive further columns and add checks; returns the rows (same LINE values).
    prepare: Callable[[Prepared], pl.DataFrame] | None = None
    #: Called with the import's outcome once the records are written (not in a dry run).
    after: Callable[[Applied], None] | None = None
    #: An SQL condition on the table's columns choosing the new records ``after`` is given
    #: (default: every one): reading back the ids of a few is cheaper than of a whole load.
    after_where: str = ""
    #: Model fields ``prepare`` adds (stored, and updated when a later file changes them).
    derived: tuple[str, ...] = ()
    #: Which account a row's tenancy_ref names: the rent account, or the former tenant one.
    former: bool = False
    #: The model field the row's owner fills: the account (``account_id``), or a column
    #: ``prepare`` derives from ``account_id`` for a record that hangs off another.
    owner: str = "account_id"
    #: Called once, inside the import's transaction, with the file's rows as text, before
    #: they are checked.
    before: Callable[[Run, pl.DataFrame], None] | None = None
    description: str = ""
    #: The column naming each row's account, when it is not the tenancy reference, with a
    #: function giving that column's values and their account ids, and what a value names
    #: (for the error): a Bacs report names accounts by their Direct Debit reference.
    account_key: str = "tenancy_ref"
    account_lookup: Callable[[], pl.DataFrame] | None = None
    account_names: str = ""
    #: Keep a row whose account is not found (its account_id null) for ``prepare`` to match
    #: another way or hold: money that arrives with a reference nobody knows is never dropped.
    account_optional: bool = False
    #: The file may leave the account column out altogether (a customer who is no tenant).
    account_column_optional: bool = False
    #: Rows are never changed by a later file (a Bacs report or a payment file: what a person
    #: did since, such as allocating a payment from suspense, must stand).
    frozen: bool = False
    #: Its ``after`` hook posts to the ledger: the import refreshes the ledger's summary and
    #: checkpoint after it, as for transactions.
    ledger: bool = False
    #: Reads a file that is not CSV or XLSX (a Bacs XML report) into the kind's columns, as
    #: text; raises FileError when the file cannot be read whole, so nothing of it loads.
    reader: Callable[[Path], Table] | None = None

    @property
    def columns(self) -> Columns:
        cols = (self.key, self.account_key, *(f.column for f in self.fields))
        keys = (self.key,) if self.account_column_optional else (self.key, self.account_key)
        required = tuple(
            c for c in cols if c in keys or (c != self.account_key and self.field(c).required)
        )
        return Columns(required=required, optional=tuple(c for c in cols if c not in required))

    def field(self, column: str) -> Field:
        for f in self.fields:
            if f.column == column:
                return f
        raise KeyError(column)

    @property
    def stored(self) -> list[str]:
        """The model fields the file's columns fill."""
        return [f.target for f in self.fields if f.target] + list(self.derived)

    @property
    def updatable(self) -> list[str]:
        if self.frozen:
            return []
        return [f.target for f in self.fields if f.target and f.updatable] + list(self.derived)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model.__name__}"


@dataclass
class Applied:
    """What an import of a declared kind wrote, for a kind's ``after`` hook: the records new,
    changed, and every record the file named (each with ``id``, ``import_ref`` and the
    checked columns)."""

    kind: Kind
    run: Run
    new: pl.DataFrame
    changed: pl.DataFrame
    named: pl.DataFrame


#: Every declared kind by name, in the order registered (apps register in INSTALLED_APPS order).
REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    REGISTRY[kind.name] = kind
    return kind


# ---- checking -------------------------------------------------------------------------------


INSTANT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
)


def london_instants(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """UTC instants and reasons, for a column of London wall-clock times: a date
    (YYYY-MM-DD or DD/MM/YYYY, meaning midnight) or a date and time (``YYYY-MM-DD HH:MM``,
    ``YYYY-MM-DDTHH:MM[:SS]``, ``DD/MM/YYYY HH:MM``)."""
    t = text.str.replace("T", " ", literal=True)
    parsed = pl.repeat(None, len(t), dtype=pl.Datetime("us"), eager=True)
    # A file writes its instants one way: try first the format its first values are in
    # (each failed attempt over millions of rows costs a second).
    sample = t.drop_nulls().head(1000)
    formats = sorted(
        INSTANT_FORMATS,
        key=lambda f: -sample.str.to_datetime(f, strict=False).is_not_null().sum(),
    )
    for fmt in formats:
        missing = parsed.is_null() & t.is_not_null()
        if not missing.any():
            break
        parsed = parsed.fill_null(t.str.to_datetime(fmt, strict=False, time_unit="us"))
    # The hour lost when the clocks go forward does not exist; the hour repeated when they go
    # back is read as the first (BST).
    local = parsed.dt.replace_time_zone(LONDON.key, ambiguous="earliest", non_existent="null")
    utc = local.dt.convert_time_zone("UTC").rename(text.name)
    bad = t.is_not_null() & utc.is_null()
    gap = bad & parsed.is_not_null()
    reasons = pl.select(
        pl.when(pl.lit(gap))
        .then(pl.format("'{}' did not happen in London: the clocks went forward", pl.lit(text)))
        .when(pl.lit(bad))
        .then(
            pl.format(
                "'{}' is not a date or a date and time (use YYYY-MM-DD or YYYY-MM-DD HH:MM)",
                pl.lit(text),
            )
        )
        .otherwise(None)
    ).to_series()
    return utc, reasons


def parse_column(f: Field, text: pl.Series, checks: Checks) -> pl.Series:
    """A column's text as its field's type, each problem added to ``checks`` by column (for a
    kind's ``prepare`` reading columns of its own, ``db=""``)."""
    return _parse(f, text, checks)


def _parse(f: Field, text: pl.Series, checks: Checks) -> pl.Series:
    if f.required:
        checks.missing(f.column, text)
    if f.type == "text":
        if f.max_length:
            checks.add(f.column, parsing.longer_than(text, f.max_length))
        values = text
    elif f.type == "date":
        values, reasons = parsing.date(text)
        checks.add(f.column, reasons)
    elif f.type == "datetime":
        values, reasons = london_instants(text)
        checks.add(f.column, reasons)
    elif f.type == "money":
        values, reasons = parsing.money(text)
        checks.add(f.column, reasons)
    elif f.type == "int":
        values, reasons = parsing.integer(text, f.lo, f.hi)
        checks.add(f.column, reasons)
    elif f.type == "bool":
        values, reasons = parsing.yes_no(text)
        checks.add(f.column, reasons)
        if f.default is not None:  # yes_no reads an empty cell as no; a declared default wins
            values = values.zip_with(
                text.is_not_null(), pl.repeat(f.default, len(text), eager=True)
            )
    elif f.type == "choice":
        allowed = {c.lower(): c for c in f.choices}
        allowed.update({a.lower(): c for a, c in f.aliases.items()})
        values, reasons = parsing.choice(text, allowed, what=f.column.replace("_", " "))
        values = values.replace_strict(allowed, default=None, return_dtype=pl.String)
        if reasons.null_count() != len(reasons):
            listing = ", ".join(f.choices)
            reasons = pl.select(
                pl.when(pl.lit(reasons).is_not_null())
                .then(pl.format(f"'{{}}' is not one of: {listing}", pl.lit(text)))
                .otherwise(None)
            ).to_series()
        checks.add(f.column, reasons)
    else:  # pragma: no cover - a kind declared wrongly is a programming error
        raise ValueError(f"unknown column type {f.type!r}")
    values = values.cast(TYPES[f.type]).rename(f.target or f.column)
    if f.default is not None:
        values = values.fill_null(f.default)
    return values


def accounts(former: bool) -> pl.DataFrame:
    """Each tenancy reference with its rent (or former tenant) account's id."""
    return fetch_frame(
        f"SELECT t.reference, a.id FROM {Account._meta.db_table} a"
        f" JOIN {Tenancy._meta.db_table} t ON t.id = a.tenancy_id WHERE a.former = %s",
        [former],
        {"tenancy_ref": pl.String, "account_id": pl.Int64},
    )


def check(kind: Kind, raw: pl.DataFrame, run: Run) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The good rows, typed, and the problems: (LINE, column, reason)."""
    n = raw.height
    text = {c: parsing.clean(raw.get_column(c)) for c in raw.columns if c != LINE}
    for c in kind.columns.all:
        text.setdefault(c, parsing.nulls(c, n))
    checks = Checks(raw.get_column(LINE))

    ref = text[kind.key]
    checks.missing(kind.key, ref)
    checks.add(kind.key, parsing.longer_than(ref, IMPORT_REF_MAX))
    owner = kind.account_key
    tenancy_ref = text[owner]
    if not kind.account_optional:
        checks.missing(owner, tenancy_ref)
    known = (
        kind.account_lookup()
        if kind.account_lookup is not None
        else accounts(kind.former).rename({"tenancy_ref": owner})
    )
    account_id = (
        pl.DataFrame({owner: tenancy_ref})
        .join(known, on=owner, how="left", maintain_order="left")
        .get_column("account_id")
    )
    if kind.account_lookup is not None:
        what, hint = kind.account_names, ""
    elif kind.former:
        what = "former tenant account for tenancy"
        hint = " (the tenancy has not ended, or its debt has not moved: import transactions first)"
    else:
        what, hint = "tenancy", " (import tenancies first)"
    checks.where(
        owner,
        tenancy_ref.is_not_null() & account_id.is_null() & (not kind.account_optional),
        f"no {what} '{{}}'{hint}",
        tenancy_ref,
    )
    columns = {
        LINE: raw.get_column(LINE).cast(pl.Int64),
        "import_ref": ref,
        "account_id": account_id,
    }
    for f in kind.fields:
        values = _parse(f, text[f.column], checks)
        columns[f.target or "_" + f.column] = values
    rows = pl.DataFrame(columns)
    if kind.prepare is not None:
        rows = kind.prepare(Prepared(rows, text, checks, run))
    problems = checks.frame()
    good = good_rows(rows, problems)
    if not good.get_column(LINE).is_sorted():
        good = good.sort(LINE)
    # a reference's first line is kept; each later one is refused, naming it (one hash pass:
    # a file rarely repeats itself, so the lines are only looked up when it does)
    first = good.get_column("import_ref").is_first_distinct()
    if not first.all():
        repeated = good.filter(~first)
        firsts = good.filter(
            first & pl.col("import_ref").is_in(repeated["import_ref"].implode())
        ).select("import_ref", pl.col(LINE).alias("_first"))
        repeats = repeated.join(firsts, on="import_ref", maintain_order="left").select(
            LINE,
            pl.lit(kind.key).alias("column"),
            pl.format("a duplicate of line {}", pl.col("_first")).alias("reason"),
        )
        good = good.filter(first)
        problems = pl.concat([problems, repeats]).sort(LINE)
    return good, problems


# ---- writing --------------------------------------------------------------------------------


def held(kind: Kind, source: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The records of ``kind`` already imported from ``source``: id, import_ref and each
    updatable field, as typed in ``rows``."""
    names = kind.updatable
    refs = rows.get_column("import_ref")
    return read_held(kind.table, source, {n: rows.schema[n] for n in names}, refs)


#: A file naming fewer references than this reads back only those (a nightly delta); a
#: larger one reads the source's every record in one pass, cheaper than many look-ups.
FEW_REFS = 50_000
REFS_PER_QUERY = 5_000


def read_held(
    table: str,
    source: str,
    schema: dict[str, pl.DataType],
    refs: pl.Series | None = None,
) -> pl.DataFrame:
    """id, import_ref and ``schema``'s columns of the rows of ``table`` from ``source``
    (only those whose reference is in ``refs``, when given)."""
    schema = {"id": pl.Int64(), "import_ref": pl.String(), **schema}
    cols = ", ".join(_read_as(n, t) for n, t in schema.items())
    sql = f"SELECT {cols} FROM {table} WHERE import_source = %s"
    data: list[tuple] = []
    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {table} WHERE import_source = %s LIMIT 1", [source])
        if cur.fetchone() is None:
            return pl.DataFrame(schema=schema)
        if refs is not None and len(refs) < FEW_REFS:
            wanted = refs.drop_nulls().unique().to_list()
            for i in range(0, len(wanted), REFS_PER_QUERY):
                chunk = wanted[i : i + REFS_PER_QUERY]
                marks = ", ".join(["%s"] * len(chunk))
                cur.execute(f"{sql} AND import_ref IN ({marks})", [source, *chunk])
                data.extend(cur.fetchall())
        else:
            cur.execute(sql, [source])
            data = cur.fetchall()
    read_schema = {k: _read_type(v) for k, v in schema.items()}
    frame = pl.DataFrame(data, schema=read_schema, orient="row")
    conv = []
    for n, t in schema.items():
        if t == pl.Date():
            conv.append(pl.col(n).str.slice(0, 10).str.to_date("%Y-%m-%d"))
        elif isinstance(t, pl.Datetime):
            conv.append(
                pl.col(n)
                .str.slice(0, 19)
                .str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
                .dt.replace_time_zone("UTC")
            )
        elif t == pl.Boolean():
            conv.append(pl.col(n).cast(pl.Boolean))
    return frame.with_columns(conv) if conv else frame


def _read_type(dtype: pl.DataType) -> pl.DataType:
    if dtype == pl.Date() or isinstance(dtype, pl.Datetime):
        return pl.String()
    return pl.Int64() if dtype == pl.Boolean() else dtype


def _read_as(name: str, dtype: pl.DataType) -> str:
    """A column as the database gives it the same on both: dates and instants as text,
    yes/no as 0 or 1."""
    if dtype == pl.Boolean():
        return f"CAST({name} AS INTEGER)"
    if isinstance(dtype, pl.Datetime) and connection.vendor == "postgresql":
        return f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
    if dtype == pl.Date() or isinstance(dtype, pl.Datetime):
        # SQLite keeps both as ISO text; an expression has no declared type to convert by
        return f"CAST({name} AS TEXT)"
    return name


def for_loader(frame: pl.DataFrame) -> pl.DataFrame:
    """Instants as text each database reads as UTC (SQLite keeps Django's as naive UTC)."""
    fmt = "%Y-%m-%d %H:%M:%S%.6f" + ("+00:00" if connection.vendor == "postgresql" else "")
    return frame.with_columns(
        pl.col(c).dt.convert_time_zone("UTC").dt.strftime(fmt)
        for c, t in frame.schema.items()
        if isinstance(t, pl.Datetime)
    )


def insert(
    table: str, frame: pl.DataFrame, conflict: Sequence[str] | None, *, first_load: bool = False
) -> int:
    """Insert a frame's rows (its columns are the table's), skipping conflicts; how many.
    ``first_load``: into an empty table, build its indexes once at the end (imports/loaders.py).

    Every foreign key a declared kind writes (the account, a court case's notice) was found by
    joining the file against its table in this transaction, so the database need not check
    each row again (5 million diary rows: about 20 s of PostgreSQL's triggers)."""
    if frame.height == 0:
        return 0
    with loader(table, frame.columns, conflict, keys_checked=True, bulk_if_empty=first_load) as out:
        return out.insert(for_loader(frame))


def import_declared(kind: Kind, table: Table, run: Run) -> None:
    raw = read_all(table)
    if raw.height == 0:
        raise FileError("the file has a header but no rows")
    run.result.rows_read = raw.height
    if kind.before is not None:
        kind.before(run, raw)
    good, problems = check(kind, raw, run)
    run.reject(raw, problems)

    stored = [kind.owner, *kind.stored]
    held_rows = held(kind, run.source, good)
    joined = good.join(held_rows, on="import_ref", how="left", suffix="_held")
    new = joined.filter(pl.col("id").is_null()).select(good.columns)
    old = joined.filter(pl.col("id").is_not_null())
    differs = pl.lit(False)
    for f in kind.updatable:
        differs = differs | pl.col(f).ne_missing(pl.col(f + "_held"))
    changed = old.filter(differs)

    constants = kind.constants(run)
    rows = new.select(
        *stored,
        "import_ref",
        pl.lit(run.source).alias("import_source"),
        *[_constant(k, v) for k, v in constants.items()],
    )
    posted = insert(kind.table, rows, ("import_source", "import_ref"), first_load=True)
    run.result.rows_posted = posted
    run.result.rows_updated = changed.height
    run.result.rows_present = old.height - changed.height + (new.height - posted)
    if changed.height:
        _update(kind, changed)
    if kind.after is not None:
        ids = _ids(kind, run.source, new.get_column("import_ref"), kind.after_where)
        fresh = new.join(ids, on="import_ref").select("id", *good.columns)
        kind.after(
            Applied(
                kind=kind,
                run=run,
                new=fresh,
                changed=changed.select("id", *good.columns),
                named=pl.concat([fresh, old.select("id", *good.columns)]),
            )
        )


def _constant(name: str, value: Any) -> pl.Expr:
    if isinstance(value, datetime):
        return pl.lit(value, dtype=pl.Datetime("us", "UTC")).alias(name)
    return pl.lit(value).alias(name)


def _ids(kind: Kind, source: str, refs: pl.Series, where: str = "") -> pl.DataFrame:
    frame = fetch_frame(
        f"SELECT id, import_ref FROM {kind.table} WHERE import_source = %s"
        + (f" AND ({where})" if where else ""),
        [source],
        {"id": pl.Int64, "import_ref": pl.String},
    )
    return frame.filter(pl.col("import_ref").is_in(refs.implode()))


def _update(kind: Kind, changed: pl.DataFrame) -> None:
    fields = kind.updatable
    objs, audit = [], []
    for row in changed.iter_rows(named=True):
        before = {f: row[f + "_held"] for f in fields}
        after = {f: row[f] for f in fields}
        diff = [f for f in fields if before[f] != after[f]]
        objs.append(kind.model(pk=row["id"], **{f: after[f] for f in fields}))
        audit.append(
            (
                row["id"],
                f"{kind.name} {row['import_ref']} changed by import: {', '.join(diff)}",
                {f: plain(before[f]) for f in diff},
                {f: plain(after[f]) for f in diff},
            )
        )
    kind.model._default_manager.bulk_update(objs, fields, batch_size=2000)
    record_changes(kind.label, audit)


def importer(kind: Kind) -> Callable[[Table, Run], None]:
    def run_import(table: Table, run: Run) -> None:
        import_declared(kind, table, run)

    return run_import
