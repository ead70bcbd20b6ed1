"""Migrating 100,000 tenancies' case state through the door in 60 s or less (issue 16).

The files: 5,000,000 diary entries (50 a tenancy over five years, with Hackney's codes mapped
by `--codes hackney`), 12,000 notices, 4,000 court cases (with outcomes, warrants and
evictions), 20,000 arrangements, 15,000 flags and 5,000 holds, written by this script with a
fixed seed. The tenancies are imported first (not timed); the figure is the wall time of one
`rentbook sync` of the case-state files, start to exit, on a database holding the tenancies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from benchmarks.conftest import fresh_postgres, fresh_sqlite, record_result, run

TENANCIES = 100_000
DIARY_PER_TENANCY = 50
CODES = ["GAT", "AMS", "S01", "ZR2", "IC4", "CALL", "VIS", "PTP", "BLI", "XYZ"]


def refs(n: int) -> pl.Series:
    return pl.Series([f"T{i:06d}" for i in range(n)])


def write_files(directory: Path) -> dict[str, int]:
    rng = np.random.default_rng(16)
    directory.mkdir(parents=True, exist_ok=True)
    t = refs(TENANCIES)
    pl.DataFrame(
        {
            "tenancy_ref": t,
            "person_no": "1",
            "area_code": "N",
            "area_name": "North",
            "patch_code": pl.Series([f"P{i % 40:02d}" for i in range(TENANCIES)]),
            "patch_name": pl.Series([f"Patch {i % 40}" for i in range(TENANCIES)]),
            "property_ref": t.str.replace("T", "P"),
            "address_line_1": "1 High Street",
            "postcode": "LS1 4AP",
            "property_type": "flat",
            "bedrooms": "2",
            "tenure": "secure",
            "start_date": "2018-04-02",
            "payment_method": "direct_debit",
            "benefit": "none",
            "first_name": "Ann",
            "last_name": "Smith",
        }
    ).write_csv(directory / "tenancies.csv")
    case = directory / "case"
    case.mkdir(exist_ok=True)
    n = TENANCIES * DIARY_PER_TENANCY
    # office hours (08:00 to 17:59) on any day of five years
    minutes = rng.integers(0, 5 * 365, n) * 1440 + rng.integers(8 * 60, 18 * 60, n)
    at = pl.lit(np.datetime64("2020-06-01T00:00")) + pl.duration(minutes=pl.Series(minutes))
    pl.DataFrame(
        {
            "diary_ref": pl.Series(np.arange(n)).cast(pl.String).str.pad_start(9, "0"),
            "tenancy_ref": t.gather(np.repeat(np.arange(TENANCIES), DIARY_PER_TENANCY)),
            "code": pl.Series(CODES).gather(rng.integers(0, len(CODES), n)),
            "officer": "Housing system",
        }
    ).with_columns(at=pl.select(at).to_series().dt.strftime("%Y-%m-%d %H:%M")).write_csv(
        case / "diary.csv"
    )
    pick = lambda k: t.gather(rng.choice(TENANCIES, k, replace=False))  # noqa: E731
    notices = pick(12_000)
    pl.DataFrame(
        {"notice_ref": notices, "tenancy_ref": notices, "type": "nosp", "served_on": "2024-06-03"}
    ).write_csv(case / "notices.csv")
    courts = notices.head(4_000)
    pl.DataFrame(
        {
            "court_ref": courts,
            "tenancy_ref": courts,
            "notice_ref": courts,
            "applied_on": "2024-09-02",
            "hearing_on": "2024-11-04",
            "outcome": "OPD",
            "warrant_applied_on": "2025-01-06",
            "warrant_issued_on": "2025-02-03",
            "eviction_on": "2025-03-03",
        }
    ).write_csv(case / "court_cases.csv")
    arr = pick(20_000)
    pl.DataFrame(
        {
            "arrangement_ref": arr,
            "tenancy_ref": arr,
            "type": "informal",
            "frequency": "weekly",
            "weekday": "monday",
            "instalment": "5.00",
            "start": "2025-04-07",
            "payment_method": "direct_debit",
            "starting_balance": "300.00",
            "prior_breaches": "1",
        }
    ).write_csv(case / "arrangements.csv")
    fl = pick(15_000)
    pl.DataFrame(
        {"flag_ref": fl, "tenancy_ref": fl, "type": "vulnerable", "starts_on": "2023-01-02"}
    ).write_csv(case / "flags.csv")
    ho = pick(5_000)
    pl.DataFrame(
        {
            "hold_ref": ho,
            "tenancy_ref": ho,
            "hold_reason": "promise",
            "starts_on": "2025-06-02",
            "until": "2025-06-30",
        }
    ).write_csv(case / "holds.csv")
    return {
        "diary": n,
        "notices": 12_000,
        "court_cases": 4_000,
        "arrangements": 20_000,
        "flags": 15_000,
        "holds": 5_000,
    }


@pytest.fixture(scope="module")
def files(bench_data: Path) -> tuple[Path, dict[str, int]]:
    directory = bench_data / "case-state"
    shutil.rmtree(directory, ignore_errors=True)
    return directory, write_files(directory)


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_migrating_100k_tenancies_case_state_takes_60_s_or_less(files, bench_data, database):
    directory, counts = files
    if database == "postgresql":
        url = fresh_postgres("rentbook_bench_case_state")
    else:
        url = fresh_sqlite(bench_data / "case-state.sqlite3")
    run(["migrate", "-v0"], url)
    run(["import", "tenancies", str(directory / "tenancies.csv")], url)
    seconds = run(["sync", str(directory / "case"), "--codes", "hackney"], url)
    again = run(["sync", str(directory / "case"), "--codes", "hackney"], url)
    rows = sum(counts.values())
    record_result(
        f"case_state_{database}",
        {
            "rows": rows,
            "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds),
            "again_seconds": round(again, 1),
        },
    )
    assert seconds <= 60, f"{rows:,} rows of case state took {seconds:.1f} s"
