"""Turn a chunk's simulated arrays into the rows of the three import files (docs/imports.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from rentbook.simulate.accounts import BENEFITS, STREAMS, Ledger
from rentbook.simulate.params import SimulationParams
from rentbook.simulate.people import addresses, people
from rentbook.simulate.portfolio import AREA_NAMES, OPEN, Homes, Tenancies
from rentbook.simulate.weeks import WeekGrid

TENANCY_COLUMNS = [
    "tenancy_ref",
    "person_no",
    "area_code",
    "area_name",
    "patch_code",
    "patch_name",
    "property_ref",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "property_type",
    "bedrooms",
    "tenure",
    "start_date",
    "end_date",
    "payment_method",
    "benefit",
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
    "next_of_kin_name",
    "next_of_kin_relationship",
    "next_of_kin_phone",
]
CHARGE_COLUMNS = "tenancy_ref charge_code description weekly_amount effective_from effective_to"
TRANSACTION_COLUMNS = [
    "transaction_ref",
    "tenancy_ref",
    "posted_on",
    "kind",
    "amount",
    "method",
    "charge_code",
    "period_start",
    "period_end",
    "reverses",
    "description",
]
CHARGE_CODES = (("rent", "Rent"), ("service", "Service charge"), ("heating", "Communal heating"))
DESCRIPTIONS = {
    "bf": "Balance brought forward",
    "return": "Direct debit returned unpaid",
    "costs": "Court costs awarded",
    "recharge": "Rechargeable repair",
    "writeoff": "Small balance written off",
}


def pounds(pence: pl.Expr) -> pl.Expr:
    """Pence as pounds with exactly two decimals, with no float on the way."""
    return pence.cast(pl.Decimal(20, 2)) / 100


def refs(index: np.ndarray) -> pl.Series:
    """References like T0000001 for tenancy numbers 0, 1, ..."""
    digits = pl.Series(np.asarray(index, dtype=np.int64) + 1).cast(pl.String).str.zfill(7)
    return ("T" + digits).alias("tenancy_ref")


@dataclass(frozen=True)
class Landlord:
    """Stock-wide facts every chunk needs: the homes and their addresses."""

    homes: Homes
    address: pl.DataFrame


def landlord(homes: Homes, rng: np.random.Generator) -> Landlord:
    return Landlord(homes=homes, address=addresses(len(homes), homes.patch, rng))


def _dates(grid: WeekGrid, weeks: np.ndarray, days: np.ndarray | int = 0) -> np.ndarray:
    return grid.mondays[0] + (np.asarray(weeks, dtype=np.int64) * 7 + days).astype("timedelta64[D]")


def tenancy_rows(
    land: Landlord,
    ten: Tenancies,
    numbers: np.ndarray,
    ledger: Ledger,
    grid: WeekGrid,
    params: SimulationParams,
    rng: np.random.Generator,
) -> pl.DataFrame:
    homes = land.homes
    n = len(ten)
    start = _dates(grid, ten.start)
    ended = ten.end != OPEN
    end = np.where(ended, _dates(grid, np.where(ended, ten.end, 0), 6), np.datetime64("NaT"))
    # A tenancy under a year old at its end (or at the end of the history) is still on trial.
    last = np.where(ended, end, np.datetime64(grid.end))
    young = (last - start).astype(np.int64) < 365
    council = params.landlord == "council"
    settled, trial = ("secure", "introductory") if council else ("assured", "starter")
    other = np.where(rng.random(n) < 0.7, "assured_shorthold", "licence")
    if council:
        other = np.where(rng.random(n) < 0.9, "flexible", "licence")
    tenure = np.where(rng.random(n) < 0.04, other, np.where(young, trial, settled))
    method_names = np.array([m[0] for m in params.methods] + ["housing_benefit"])
    covered_method = np.where(ledger.benefit == 1, "housing_benefit", "universal_credit")
    method = np.where(ledger.fully_covered, covered_method, method_names[ledger.method])
    joint = rng.random(n) < params.joint_share
    lead = np.concatenate([np.arange(n), np.flatnonzero(joint)])
    person_no = np.concatenate([np.ones(n, dtype=np.int8), np.full(joint.sum(), 2, np.int8)])
    who = people(start[lead], person_no == 2, rng)
    h = ten.home[lead]
    area = homes.area[h]
    addr = land.address[h]
    type_names = [p[0] for p in params.property_types]
    flat = np.isin(homes.property_type[h], [type_names.index(t) for t in ("flat", "bedsit")])
    frame = pl.DataFrame(
        {
            "tenancy_ref": refs(numbers[lead]),
            "person_no": person_no,
            "area_code": np.array([a[0] for a in AREA_NAMES])[area],
            "area_name": np.array([a[1] for a in AREA_NAMES])[area],
            "patch_code": pl.Series(homes.patch[h] + 1).cast(pl.String).str.zfill(2),
            "property_ref": pl.Series(h + 1).cast(pl.String).str.zfill(6),
            "number": addr["number"].cast(pl.String),
            "street": addr["street_name"],
            "word": addr["word"],
            "flat": flat,
            "postcode": addr["postcode"],
            "property_type": np.array(type_names)[homes.property_type[h]],
            "bedrooms": homes.bedrooms[h],
            "tenure": tenure[lead],
            "start_date": start[lead],
            "end_date": end[lead],
            "payment_method": method[lead],
            "benefit": np.array(BENEFITS)[ledger.benefit[lead]],
        }
    )
    frame = frame.with_columns(
        patch_code=pl.concat_str("area_code", "patch_code"),
        patch_name=pl.concat_str("area_name", pl.lit(" patch "), "patch_code"),
        property_ref=pl.concat_str(pl.lit("P"), "property_ref"),
        address_line_1=pl.when("flat")
        .then(pl.concat_str(pl.lit("Flat "), "number"))
        .otherwise(pl.concat_str("number", pl.lit(" "), "street")),
        address_line_2=pl.when("flat").then(pl.concat_str("word", pl.lit(" Court, "), "street")),
        town="area_name",
    )
    frame = pl.concat([frame, who], how="horizontal")
    order = np.lexsort((person_no, lead))
    return frame[order].select(TENANCY_COLUMNS)


def charge_rows(homes: Homes, ten: Tenancies, numbers: np.ndarray, grid: WeekGrid) -> pl.DataFrame:
    """One row per charge line per rent year of the history, the last one open-ended."""
    last_week = grid.weeks - 1
    lo = np.maximum(ten.start, grid.first)
    hi = np.minimum(ten.end, last_week)
    y0 = grid.year_index[lo].astype(np.int64)
    y1 = grid.year_index[hi].astype(np.int64)
    count = y1 - y0 + 1
    idx = np.repeat(np.arange(len(ten)), count)
    year = y0[idx] + (np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count))
    is_last = year == y1[idx]
    start = _dates(grid, ten.start[idx])
    eff_from = np.maximum(grid.year_starts[year], start)
    nxt = np.minimum(year + 1, len(grid.years) - 1)
    eff_to = np.where(is_last, np.datetime64("NaT"), grid.year_starts[nxt] - np.timedelta64(1, "D"))
    frames = []
    for k, (code, description) in enumerate(CHARGE_CODES):
        rate = (homes.rent, homes.service, homes.heating)[k][ten.home[idx], year]
        keep = rate > 0
        frames.append(
            pl.DataFrame(
                {
                    "i": idx[keep],
                    "k": np.full(keep.sum(), k, dtype=np.int8),
                    "tenancy_ref": refs(numbers[idx[keep]]),
                    "charge_code": pl.Series([code] * int(keep.sum()), dtype=pl.String),
                    "description": pl.Series([description] * int(keep.sum()), dtype=pl.String),
                    "weekly_amount": rate[keep],
                    "effective_from": eff_from[keep],
                    "effective_to": eff_to[keep],
                }
            )
        )
    out = pl.concat(frames).sort("i", "k", "effective_from")
    return out.select(
        pl.exclude("i", "k", "weekly_amount"),
        weekly_amount=pounds(pl.col("weekly_amount")),
    ).select(CHARGE_COLUMNS.split())


def _lookup(values, codes: np.ndarray) -> pl.Series:
    """Strings by code: a gather from a short list, far cheaper than numpy string arrays."""
    return pl.Series(list(values), dtype=pl.String).gather(pl.Series(codes, dtype=pl.UInt32))


def _nullable(index: np.ndarray, present: np.ndarray) -> pl.Series:
    return pl.Series(index.astype(np.int64)).set(pl.Series(~present), None)


def transaction_rows(
    ledger: Ledger,
    numbers: np.ndarray,
    grid: WeekGrid,
    params: SimulationParams,
) -> pl.DataFrame:
    """Every entry of the chunk, in order of tenancy and date.

    Dates and references are built from integer day numbers by gathering from short lists of
    strings (the grid's days, the chunk's references): formatting millions of dates or moving
    numpy strings into polars would cost more than the whole simulation.
    """
    first = grid.first
    charge_arrays = (ledger.rent, ledger.service, ledger.heating)
    arrays = [*charge_arrays, *(ledger.amount[name] for name, _, _ in STREAMS)]
    offsets = [None] * len(charge_arrays) + [ledger.offset.get(name) for name, _, _ in STREAMS]
    tags = [c for c, _ in CHARGE_CODES] + [name for name, _, _ in STREAMS]
    kinds = ["charge"] * len(CHARGE_CODES) + [kind for _, kind, _ in STREAMS]
    fixed_methods = [""] * len(CHARGE_CODES) + [m or "" for _, _, m in STREAMS]
    parts = []
    for k, (arr, off) in enumerate(zip(arrays, offsets, strict=True)):
        ti, wi = np.nonzero(arr)
        day = (wi + first) * 7
        if off is not None:
            day += off[ti, wi]
        parts.append((np.full(len(ti), k, dtype=np.int64), ti, wi + first, day, arr[ti, wi]))
    stream, ti, wi, day, amount = (np.concatenate([p[i] for p in parts]) for i in range(5))
    last_day = (grid.weeks - 1) * 7 + 6
    keep = day <= last_day
    stream, ti, wi, day, amount = (x[keep] for x in (stream, ti, wi, day, amount))
    n_streams = len(tags)
    order = np.argsort((ti * (last_day + 16) + day) * n_streams + stream, kind="stable")
    stream, ti, wi, day, amount = (x[order] for x in (stream, ti, wi, day, amount))

    is_charge = stream < len(CHARGE_CODES)
    is_hb = stream == tags.index("hb")
    is_return = stream == tags.index("return")
    is_pay = stream == tags.index("pay")
    # Housing Benefit names the weeks it pays: the four before (allowance) or this one (rebate).
    hb_weeks, hb_back = (1, 0) if params.landlord == "council" else (4, 4)
    has_period = is_charge | is_hb
    p_start = np.where(is_hb, wi - hb_back, wi) * 7
    p_end = p_start + 7 * np.where(is_hb, hb_weeks, 1) - 1
    pay_day = wi * 7 + ledger.offset["pay"][ti, np.maximum(wi - first, 0)]

    all_days = grid.mondays[0] + np.arange(last_day + 1).astype("timedelta64[D]")
    day_text = pl.Series(np.datetime_as_string(all_days, unit="D"))
    chunk_refs = refs(numbers)
    own_method = np.where(is_pay | is_return, ledger.method[ti], len(params.methods) + stream)
    methods = [m[0] for m in params.methods] + fixed_methods
    describe = [DESCRIPTIONS.get(t, "") for t in tags]
    df = pl.DataFrame(
        {
            "tenancy_ref": chunk_refs.gather(pl.Series(ti, dtype=pl.UInt32)),
            "tag": _lookup(tags, stream),
            "posted_on": day_text.gather(pl.Series(day, dtype=pl.UInt32)),
            "kind": _lookup(kinds, stream),
            "pence": amount.astype(np.int64),
            "method": _lookup(methods, own_method),
            "period_start": day_text.gather(_nullable(p_start, has_period)),
            "period_end": day_text.gather(_nullable(p_end, has_period)),
            "pay_posted": day_text.gather(_nullable(pay_day, is_return)),
            "is_charge": is_charge,
            "is_return": is_return,
            "adjust": stream == tags.index("adj"),
            "description": _lookup(describe, stream),
        }
    )
    null = pl.lit(None, dtype=pl.String)

    def blank(col: str) -> pl.Expr:
        return pl.when(pl.col(col) == "").then(null).otherwise(pl.col(col))

    payment_ref = pl.concat_str("tenancy_ref", pl.lit("/pay/"), "pay_posted")
    return df.select(
        transaction_ref=pl.when("is_return")
        .then(pl.concat_str(payment_ref, pl.lit("/returned")))
        .otherwise(pl.concat_str("tenancy_ref", pl.lit("/"), "tag", pl.lit("/"), "posted_on")),
        tenancy_ref="tenancy_ref",
        posted_on="posted_on",
        kind="kind",
        amount=pounds(pl.col("pence")),
        method=blank("method"),
        charge_code=pl.when("is_charge").then("tag"),
        period_start="period_start",
        period_end="period_end",
        reverses=pl.when("is_return").then(payment_ref),
        description=pl.when("adjust")
        .then(
            pl.when(pl.col("pence") < 0)
            .then(pl.lit("Compensation for a repair delay"))
            .otherwise(pl.lit("Correction to rent account"))
        )
        .otherwise(blank("description")),
    )
