"""Run the simulation in chunks of tenancies and write the import files: the ledger's three
and, unless asked not to, the case history's six."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from rentbook.ledger.calendar import RentFreeRule
from rentbook.simulate import bacs, money_in
from rentbook.simulate.accounts import simulate_ledger
from rentbook.simulate.cases import simulate_cases
from rentbook.simulate.params import SimulationParams
from rentbook.simulate.portfolio import Tenancies, make_tenancies
from rentbook.simulate.revenues import simulate_revenues
from rentbook.simulate.rows import charge_rows, landlord, tenancy_rows, transaction_rows
from rentbook.simulate.weeks import build_grid

# Tenancies per chunk: big enough for numpy to pay off, small enough that a chunk's dense
# (tenancy x week) arrays and rows stay well under a gigabyte. Part of the output's identity:
# changing it changes the random streams, so the same seed would give different files.
CHUNK = 8000
REVENUE_COLUMNS = ["tenancy_ref", "person_no", "first_name", "last_name", "date_of_birth",
                   "postcode", "benefit", "start_date", "end_date"]  # fmt: skip
CASE_FILES = (
    "diary",
    "flags",
    "holds",
    "notices",
    "court_cases",
    "arrangements",
    "write_offs",
    "agency_placements",
)


@dataclass(frozen=True)
class Summary:
    tenancies: int
    tenants: int
    charges: int
    transactions: int
    case_rows: dict[str, int]
    start: date
    end: date


def _write(files: dict[str, BinaryIO], frames: dict[str, pl.DataFrame], header: bool) -> None:
    for name, frame in frames.items():
        frame.write_csv(files[name], include_header=header, date_format="%Y-%m-%d")


def _rng(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *path]))


def simulate(
    *,
    tenancies: int,
    years: int,
    seed: int,
    out: Path,
    end: date,
    rule: RentFreeRule,
    params: SimulationParams | None = None,
    cases: bool = True,
    revenues: bool = True,
) -> Summary:
    """Write tenancies.csv, charges.csv and transactions.csv for a synthetic landlord and, with
    ``cases``, its income team's history: diary, flags, holds, notices, court_cases and
    arrangements (.csv); with ``revenues``, the council's customers, debts and debt_entries
    (.csv) of the same tenants (revenues.py)."""
    params = params or SimulationParams()
    if tenancies < 1 or years < 1:
        raise ValueError("tenancies and years must be at least 1")
    grid = build_grid(end, years, params.burn_in_weeks, rule, params.uc_wait_weeks)
    homes, ten = make_tenancies(tenancies, years, grid, params, _rng(seed, 0))
    land = landlord(homes, _rng(seed, 1))
    out.mkdir(parents=True, exist_ok=True)
    names = ["tenancies", "charges", "transactions", "mandates"] + (
        list(CASE_FILES) if cases else []
    )
    counts = dict.fromkeys(names, 0)
    files = {name: (out / f"{name}.csv").open("wb") for name in names}
    # Writing a chunk (polars, outside the GIL) overlaps simulating the next (numpy); at most
    # two chunks are in memory at once.
    pending: Future | None = None
    returns: list[pl.DataFrame] = []
    money: dict[str, list[pl.DataFrame]] = {kind: [] for kind in money_in.KINDS}
    try:
        with ThreadPoolExecutor(max_workers=1) as writer:
            for k, lo in enumerate(range(0, tenancies, CHUNK)):
                numbers = np.arange(lo, min(lo + CHUNK, tenancies))
                part = Tenancies(
                    home=ten.home[numbers],
                    start=ten.start[numbers],
                    end=ten.end[numbers],
                    end_reason=ten.end_reason[numbers],
                )
                rng = _rng(seed, 2, k)
                ledger = simulate_ledger(homes, part, grid, params, rng)
                frames = {
                    "tenancies": tenancy_rows(land, part, numbers, ledger, grid, params, rng),
                    "charges": charge_rows(homes, part, numbers, grid),
                    "transactions": transaction_rows(ledger, numbers, grid, params),
                }
                # the last days' returned direct debits arrive as Bacs reports instead
                frames["transactions"], items = bacs.split_returns(frames["transactions"], end)
                returns.append(items)
                # and the last days' other money as the channels' and benefits' files
                frames["transactions"], moved = money_in.split(
                    frames["transactions"], end, params.landlord == "council"
                )
                for kind, rows in moved.items():
                    money[kind].append(rows)
                frames["mandates"] = bacs.mandates(frames["tenancies"], frames["transactions"])
                if cases:
                    history = simulate_cases(
                        homes, part, numbers, ledger, grid, params, _rng(seed, 3, k)
                    )
                    frames.update(history.frames())
                del ledger
                if pending is not None:
                    pending.result()
                pending = writer.submit(_write, files, frames, k == 0)
                for name, frame in frames.items():
                    counts[name] += frame.height
            if pending is not None:
                pending.result()
    finally:
        for f in files.values():
            f.close()
    if returns:
        bacs.write_arudd(out, pl.concat(returns))
    money_in.write(out, money, end)
    if revenues:
        # the council's other debts of the same people, as its revenues system exports them
        lead = pl.read_csv(out / "tenancies.csv", infer_schema=False, columns=REVENUE_COLUMNS)
        rev = simulate_revenues(lead, end, years, _rng(seed, 4))
        for name, frame in (("customers", rev.customers), ("debts", rev.debts),
                            ("debt_entries", rev.entries)):  # fmt: skip
            if frame.height:
                frame.write_csv(out / f"{name}.csv")
    # the door refuses a file with a header and no rows: a kind with none has no file
    for name in (*CASE_FILES, "mandates"):
        if name in counts and counts[name] == 0:
            (out / f"{name}.csv").unlink()
    return Summary(
        tenancies=tenancies,
        tenants=counts["tenancies"],
        charges=counts["charges"],
        transactions=counts["transactions"],
        case_rows={name: counts[name] for name in CASE_FILES if name in counts},
        start=grid.start,
        end=end,
    )
