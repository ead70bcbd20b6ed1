"""Importing tenancies: areas, patches, properties, tenancies, accounts, tenants, contacts.

One row per tenant. Rows are checked vectorised; then each level of the portfolio is
upserted in bulk by its natural key (area code, patch code, property reference, tenancy
reference, tenancy and person number, tenancy and contact name). A record that differs from
the file is updated and the change audited explicitly, since bulk updates fire no signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.db import models

from rentbook.imports import parsing
from rentbook.imports.auditing import plain, record_changes
from rentbook.imports.checks import Checks, good_rows
from rentbook.imports.loaders import loader
from rentbook.imports.reading import LINE, Columns, FileError, Table, read_all
from rentbook.imports.run import Run
from rentbook.ledger.models import Account, Benefit, PaymentMethod
from rentbook.portfolio.models import (
    Area,
    Contact,
    Patch,
    Property,
    PropertyType,
    Tenancy,
    Tenant,
    Tenure,
)

COLUMNS = Columns(
    required=(
        "tenancy_ref",
        "person_no",
        "area_code",
        "area_name",
        "patch_code",
        "patch_name",
        "property_ref",
        "address_line_1",
        "postcode",
        "property_type",
        "bedrooms",
        "tenure",
        "start_date",
        "payment_method",
        "benefit",
        "first_name",
        "last_name",
    ),
    optional=(
        "address_line_2",
        "town",
        "end_date",
        "title",
        "date_of_birth",
        "phone",
        "mobile",
        "email",
        "preferred_language",
        "communication_needs",
        "support_needs",
        "next_of_kin_consent",
        "next_of_kin_name",
        "next_of_kin_relationship",
        "next_of_kin_phone",
    ),
)

#: Longest value each text column may hold (the model's limits).
MAX_LENGTH = {
    "tenancy_ref": 30,
    "area_code": 20,
    "area_name": 100,
    "patch_code": 20,
    "patch_name": 100,
    "property_ref": 30,
    "address_line_1": 100,
    "address_line_2": 100,
    "town": 60,
    "title": 20,
    "first_name": 60,
    "last_name": 60,
    "phone": 20,
    "mobile": 20,
    "email": 254,
    "preferred_language": 30,
    "communication_needs": 200,
    "support_needs": 200,
    "next_of_kin_name": 120,
    "next_of_kin_relationship": 60,
    "next_of_kin_phone": 20,
}

_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

#: Columns that describe the same thing on every row that names it, and must agree.
AREA_COLUMNS = ("area_name",)
PATCH_COLUMNS = ("patch_name", "area_code")
PROPERTY_COLUMNS = (
    "patch_code",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "property_type",
    "bedrooms",
)
TENANCY_COLUMNS = (
    "property_ref",
    "tenure",
    "start_date",
    "end_date",
    "payment_method",
    "benefit",
)


def check(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    col = {c: parsing.clean(raw.get_column(c)) for c in raw.columns if c != LINE}
    for c in COLUMNS.optional:
        col.setdefault(c, parsing.nulls(c, raw.height))
    checks = Checks(raw.get_column(LINE))
    for c in COLUMNS.required:
        checks.missing(c, col[c])
    for c, limit in MAX_LENGTH.items():
        checks.add(c, parsing.longer_than(col[c], limit))

    out: dict[str, pl.Series] = {LINE: raw.get_column(LINE).cast(pl.Int64)}
    for c in MAX_LENGTH:
        out[c] = col[c]

    person_no, reasons = parsing.integer(col["person_no"], 1, 4)
    checks.add("person_no", reasons)
    out["person_no"] = person_no
    bedrooms, reasons = parsing.integer(col["bedrooms"], 0, 10)
    checks.add("bedrooms", reasons)
    out["bedrooms"] = bedrooms

    postcode = col["postcode"].str.to_uppercase().str.replace_all(r"\s+", "")
    postcode = pl.select(
        pl.concat_str(postcode.str.head(-3), pl.lit(" "), postcode.str.tail(3))
    ).to_series()
    checks.where(
        "postcode",
        ~postcode.str.contains(_POSTCODE) & postcode.is_not_null(),
        "'{}' is not a UK postcode",
        col["postcode"],
    )
    out["postcode"] = postcode

    checks.where(
        "email",
        ~col["email"].str.contains(_EMAIL) & col["email"].is_not_null(),
        "'{}' is not an email address",
        col["email"],
    )

    for c, allowed, what in (
        ("property_type", PropertyType.values, "property type"),
        ("tenure", Tenure.values, "tenure"),
        ("payment_method", PaymentMethod.values, "payment method"),
        ("benefit", Benefit.values, "benefit"),
    ):
        values, reasons = parsing.choice(col[c], allowed, what=what)
        checks.add(c, reasons)
        out[c] = values

    for c in ("start_date", "end_date", "date_of_birth"):
        values, reasons = parsing.date(col[c])
        checks.add(c, reasons)
        out[c] = values
    checks.where(
        "end_date", out["end_date"] < out["start_date"], "the tenancy ends before it starts"
    )

    consent, reasons = parsing.yes_no(col["next_of_kin_consent"])
    checks.add("next_of_kin_consent", reasons)
    out["next_of_kin_consent"] = consent
    nok_detail = (
        col["next_of_kin_relationship"].is_not_null() | col["next_of_kin_phone"].is_not_null()
    )
    checks.where(
        "next_of_kin_name",
        nok_detail & col["next_of_kin_name"].is_null(),
        "a next of kin needs a name",
    )

    parsed = pl.DataFrame(out)
    problems = checks.frame()
    good = good_rows(parsed, problems)
    extra = [
        _repeats(good, ("tenancy_ref", "person_no"), "person_no", "the same tenant as line {}")
    ]
    good = good.join(extra[0].select(LINE), on=LINE, how="anti")
    for key, columns, what in (
        ("tenancy_ref", TENANCY_COLUMNS, "tenancy"),
        ("property_ref", PROPERTY_COLUMNS, "property"),
        ("patch_code", PATCH_COLUMNS, "patch"),
        ("area_code", AREA_COLUMNS, "area"),
    ):
        disagree = _disagreements(good, key, columns, what)
        extra.append(disagree)
        good = good.join(disagree.select(LINE), on=LINE, how="anti")
    problems = pl.concat([problems, *extra]).sort(LINE)
    return good, problems


def _repeats(frame: pl.DataFrame, key: Sequence[str], column: str, reason: str) -> pl.DataFrame:
    first = frame.group_by(key).agg(pl.col(LINE).min().alias("_first"))
    joined = frame.join(first, on=key, how="left", nulls_equal=True)
    return joined.filter(pl.col(LINE) != pl.col("_first")).select(
        LINE, pl.lit(column).alias("column"), pl.format(reason, "_first").alias("reason")
    )


def _disagreements(
    frame: pl.DataFrame, key: str, columns: Sequence[str], what: str
) -> pl.DataFrame:
    """Rows that describe ``key`` differently from the first row that names it."""
    first = (
        frame.sort(LINE)
        .group_by(key, maintain_order=True)
        .first()
        .select(key, pl.col(LINE).alias("_first"), *[pl.col(c).alias(c + "_1") for c in columns])
    )
    joined = frame.join(first, on=key, how="left")
    differs = [pl.col(c).ne_missing(pl.col(c + "_1")) for c in columns]
    bad = joined.filter(pl.any_horizontal(differs))
    if bad.height == 0:
        return pl.DataFrame(schema={LINE: pl.Int64, "column": pl.String, "reason": pl.String})
    names = pl.concat_str(
        [pl.when(d).then(pl.lit(c)) for d, c in zip(differs, columns, strict=True)],
        separator=", ",
        ignore_nulls=True,
    )
    return bad.select(
        LINE,
        names.alias("column"),
        pl.format(f"disagrees with line {{}} about the same {what}", "_first").alias("reason"),
    )


class Upsert:
    """Create or update one model's records by natural key; counts and audits changes."""

    def __init__(
        self,
        model: type[models.Model],
        keys: Sequence[str],
        fields: Sequence[str],
        *,
        unique: bool = True,
    ):
        self.model = model
        self.keys = list(keys)
        self.fields = list(fields)
        self.conflict = [model._meta.get_field(k).column for k in keys] if unique else None
        self.changed_keys: set[tuple[Any, ...]] = set()
        self.created_keys: set[tuple[Any, ...]] = set()

    def _dtypes(self, columns: Sequence[str]) -> dict[str, Any]:
        kinds = {
            models.DateField: pl.Date,
            models.BooleanField: pl.Boolean,
            models.CharField: pl.String,
            models.EmailField: pl.String,
        }
        out = {}
        for c in columns:
            field = self.model._meta.get_field(c)
            for cls, dtype in kinds.items():
                if isinstance(field, cls):
                    out[c] = dtype
                    break
            else:
                out[c] = pl.Int64
        return out

    def run(self, rows: Iterable[dict[str, Any]]) -> dict[tuple[Any, ...], int]:
        existing = {
            tuple(r[k] for k in self.keys): r
            for r in self.model._default_manager.values("id", *self.keys, *self.fields)
        }
        create, update, audit, touched = [], [], [], set()
        for row in rows:
            key = tuple(row[k] for k in self.keys)
            held = existing.get(key)
            if held is None:
                create.append(row)
                self.created_keys.add(key)
                continue
            diff = [f for f in self.fields if held[f] != row[f]]
            if not diff:
                continue
            update.append(self.model(id=held["id"], **row))
            touched.update(diff)
            self.changed_keys.add(key)
            audit.append(
                (
                    held["id"],
                    "/".join(str(k) for k in key),
                    {f: plain(held[f]) for f in diff},
                    {f: plain(row[f]) for f in diff},
                )
            )
        if create:
            # Raw bulk insert: the ORM's bulk_create spends most of its time building objects.
            columns = list(create[0])
            frame = pl.DataFrame(create, schema_overrides=self._dtypes(columns), orient="row")
            with loader(self.model._meta.db_table, columns, self.conflict) as out:
                out.insert(frame)
        if update:
            self.model._default_manager.bulk_update(update, sorted(touched), batch_size=1000)
            meta = self.model._meta
            record_changes(f"{meta.app_label}.{meta.object_name}", audit)
        return {
            tuple(r[k] for k in self.keys): r["id"]
            for r in self.model._default_manager.values("id", *self.keys)
        }


def _blank(value: Any) -> Any:
    return "" if value is None else value


def import_tenancies(table: Table, run: Run) -> None:
    raw = read_all(table)
    if raw.height == 0:
        raise FileError("the file has a header but no rows")
    run.result.rows_read = raw.height
    good, problems = check(raw)
    run.reject(raw, problems)
    if good.height == 0:
        return
    rows = good.sort(LINE).to_dicts()
    first = {}
    for r in rows:
        first.setdefault(("area", r["area_code"]), r)
        first.setdefault(("patch", r["patch_code"]), r)
        first.setdefault(("property", r["property_ref"]), r)
        first.setdefault(("tenancy", r["tenancy_ref"]), r)

    def firsts(level: str) -> list[dict[str, Any]]:
        return [r for (lv, _), r in first.items() if lv == level]

    areas = Upsert(Area, ["code"], ["name"])
    area_id = areas.run({"code": r["area_code"], "name": r["area_name"]} for r in firsts("area"))
    patches = Upsert(Patch, ["code"], ["name", "area_id"])
    patch_id = patches.run(
        {"code": r["patch_code"], "name": r["patch_name"], "area_id": area_id[(r["area_code"],)]}
        for r in firsts("patch")
    )
    properties = Upsert(
        Property,
        ["reference"],
        [
            "patch_id",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "property_type",
            "bedrooms",
        ],
    )
    property_id = properties.run(
        {
            "reference": r["property_ref"],
            "patch_id": patch_id[(r["patch_code"],)],
            "address_line_1": r["address_line_1"],
            "address_line_2": _blank(r["address_line_2"]),
            "town": _blank(r["town"]),
            "postcode": r["postcode"],
            "property_type": r["property_type"],
            "bedrooms": r["bedrooms"],
        }
        for r in firsts("property")
    )
    tenancies = Upsert(Tenancy, ["reference"], ["property_id", "tenure", "start_date", "end_date"])
    tenancy_id = tenancies.run(
        {
            "reference": r["tenancy_ref"],
            "property_id": property_id[(r["property_ref"],)],
            "tenure": r["tenure"],
            "start_date": r["start_date"],
            "end_date": r["end_date"],
        }
        for r in firsts("tenancy")
    )
    accounts = Upsert(Account, ["reference"], ["tenancy_id", "payment_method", "benefit"])
    accounts.run(
        {
            "reference": r["tenancy_ref"],
            "tenancy_id": tenancy_id[(r["tenancy_ref"],)],
            "payment_method": r["payment_method"],
            "benefit": r["benefit"],
        }
        for r in firsts("tenancy")
    )
    tenant_fields = [
        "title",
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "mobile",
        "email",
        "preferred_language",
        "communication_needs",
        "support_needs",
        "next_of_kin_consent",
    ]
    tenants = Upsert(Tenant, ["tenancy_id", "person_no"], tenant_fields)
    tenant_rows = []
    for r in rows:
        t = {f: _blank(r[f]) for f in tenant_fields}
        t["date_of_birth"] = r["date_of_birth"]
        t["next_of_kin_consent"] = bool(r["next_of_kin_consent"])
        t["preferred_language"] = r["preferred_language"] or "English"
        t["tenancy_id"] = tenancy_id[(r["tenancy_ref"],)]
        t["person_no"] = r["person_no"]
        tenant_rows.append(t)
    tenants.run(tenant_rows)
    # Contacts have no unique key in the database; the upsert alone keeps them single.
    contacts = Upsert(
        Contact, ["tenancy_id", "name"], ["relationship", "phone", "email"], unique=False
    )
    contact_rows = {}
    for r in rows:
        if r["next_of_kin_name"]:
            tid = tenancy_id[(r["tenancy_ref"],)]
            contact_rows.setdefault(
                (tid, r["next_of_kin_name"]),
                {
                    "tenancy_id": tid,
                    "name": r["next_of_kin_name"],
                    "relationship": _blank(r["next_of_kin_relationship"]),
                    "phone": _blank(r["next_of_kin_phone"]),
                    "email": "",
                },
            )
    contacts.run(contact_rows.values())

    _count(
        rows, run, tenancy_id, areas, patches, properties, tenancies, accounts, tenants, contacts
    )


def _count(
    rows: list[dict[str, Any]],
    run: Run,
    tenancy_id: dict[tuple[Any, ...], int],
    areas: Upsert,
    patches: Upsert,
    properties: Upsert,
    tenancies: Upsert,
    accounts: Upsert,
    tenants: Upsert,
    contacts: Upsert,
) -> None:
    """Each row is posted (its tenant is new), updated (anything it describes changed) or
    already present."""
    changed_tenancy_ids = {k[0] for k in contacts.changed_keys | contacts.created_keys}
    created = updated = 0
    for r in rows:
        tid = tenancy_id[(r["tenancy_ref"],)]
        if (tid, r["person_no"]) in tenants.created_keys:
            created += 1
        elif (tid, r["person_no"]) in tenants.changed_keys or (
            (r["tenancy_ref"],) in tenancies.changed_keys
            or (r["tenancy_ref"],) in accounts.changed_keys
            or (r["property_ref"],) in properties.changed_keys
            or (r["patch_code"],) in patches.changed_keys
            or (r["area_code"],) in areas.changed_keys
            or tid in changed_tenancy_ids
        ):
            updated += 1
    run.result.rows_posted = created
    run.result.rows_updated = updated
    run.result.rows_present = len(rows) - created - updated
