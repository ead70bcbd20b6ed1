"""Issue 2: 100,000 tenancies x 5 years (about 50 million transactions) through the import
door into PostgreSQL and into SQLite at >= 200,000 transaction rows a second."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.conftest import fresh_postgres, fresh_sqlite, record_result, run

TENANCIES = int(os.environ.get("BENCH_TENANCIES", "100000"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
END = "2026-11-22"  # fixed, so the simulated files can be reused between runs
TARGET_ROWS_PER_SECOND = 200_000


@pytest.fixture(scope="module")
def landlord(bench_data: Path) -> Path:
    out = bench_data / f"landlord-{TENANCIES}x{YEARS}"
    if not (out / "transactions.csv").exists():
        seconds = run(
            [
                "simulate",
                "--tenancies", str(TENANCIES),
                "--years", str(YEARS),
                "--seed", "2026",
                "--end", END,
                "--out", str(out),
            ],
            "sqlite:///:memory:",
        )  # fmt: skip
        print(f"\nsimulated {TENANCIES:,} tenancies x {YEARS} years in {seconds:.0f} s")
    return out


def count_rows(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_import_door_loads_transactions_at_200k_rows_a_second(landlord, bench_data, database):
    if database == "postgresql":
        url = fresh_postgres("rb_bench_import")
    else:
        url = fresh_sqlite(bench_data / "bench-import.sqlite3")
    run(["migrate"], url)
    tenancy_s = run(["import", "tenancies", str(landlord / "tenancies.csv")], url)
    charges_s = run(["import", "charges", str(landlord / "charges.csv")], url)
    rows = count_rows(landlord / "transactions.csv")
    seconds = run(["import", "transactions", str(landlord / "transactions.csv")], url)
    again_s = run(["import", "transactions", str(landlord / "transactions.csv")], url)
    rate = rows / seconds
    record_result(
        f"import-{database}",
        {
            "tenancies": TENANCIES,
            "years": YEARS,
            "transaction_rows": rows,
            "tenancies_import_s": round(tenancy_s, 1),
            "charges_import_s": round(charges_s, 1),
            "transactions_import_s": round(seconds, 1),
            "transactions_rows_per_s": round(rate),
            "reimport_s": round(again_s, 1),
        },
    )
    assert rate >= TARGET_ROWS_PER_SECOND, f"{rate:,.0f} rows/s on {database}"
