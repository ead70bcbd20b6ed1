"""Issue 19: the council's debts at full size. The import benchmark's landlord (100,000
tenancies x 5 years) with the simulator's revenues files for the same tenants (customers,
their council tax, NDR, sundry and HBO debts, and each debt's entries: simulate/revenues.py),
each file imported through the door (rows a second, process start included; today's door
loads transactions at 200,000 a second), then the weekly debt run (`rentbook debts_run`),
which must decide every open debt in 20 s or less, on PostgreSQL and SQLite.

The database is a fresh copy of the money benchmark's landlord (its tenancies and ledger:
test_money_in_speed.py), so the customers link to real tenancies and the HBO rule reads real
rent arrears.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.conftest import RENTBOOK, record_result
from benchmarks.test_import_speed import TENANCIES, YEARS, count_rows, landlord  # noqa: F401
from benchmarks.test_money_in_speed import _loaded, _quiet_disks, _scratch

RUN_TARGET_SECONDS = 20.0
ROWS_PER_SECOND = 200_000
KINDS = ("customers", "debts", "debt_entries")

WRITE = textwrap.dedent(
    """
    from datetime import date
    from pathlib import Path
    import numpy as np, polars as pl
    from rentbook.simulate.revenues import simulate_revenues
    from rentbook.simulate.run import REVENUE_COLUMNS
    lead = pl.read_csv(Path(SRC) / "tenancies.csv", infer_schema=False, columns=REVENUE_COLUMNS)
    rev = simulate_revenues(lead, date(2026, 11, 22), YEARS,
                            np.random.default_rng(np.random.SeedSequence([2026, 4])))
    for name, frame in (("customers", rev.customers), ("debts", rev.debts),
                        ("debt_entries", rev.entries)):
        frame.write_csv(Path(OUT) / f"{name}.csv")
    """
)


def _revenue_files(landlord: Path, bench_data: Path) -> Path:  # noqa: F811
    out = bench_data / f"revenues-{TENANCIES}x{YEARS}"
    if not (out / "debt_entries.csv").exists():
        out.mkdir(parents=True, exist_ok=True)
        script = f"SRC = {str(landlord)!r}\nOUT = {str(out)!r}\nYEARS = {YEARS}\n" + WRITE
        made = subprocess.run(
            [RENTBOOK, "shell", "-c", script],
            env={**os.environ, "DATABASE_URL": "sqlite:///:memory:"},
            capture_output=True,
            text=True,
        )
        assert made.returncode == 0, made.stderr
    return out


def _timed(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([RENTBOOK, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return seconds, done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_debt_run_over_100000_customers_in_20_seconds(landlord, bench_data, database):  # noqa: F811
    files = _revenue_files(landlord, bench_data)
    url = _scratch(database, bench_data, _loaded(database, bench_data, landlord))
    env = {**os.environ, "DATABASE_URL": url}
    _timed(["migrate", "-v0"], env)  # the kept landlord may predate the debts tables
    _quiet_disks()
    figures: dict = {"tenancies": TENANCIES, "years": YEARS, "database": database}
    rates = {}
    for kind in KINDS:
        rows = count_rows(files / f"{kind}.csv")
        seconds, _ = _timed(["import", kind, str(files / f"{kind}.csv"), "--source", "rev"], env)
        rates[kind] = rows / seconds
        figures[kind] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rates[kind]),
        }
    seconds, out = _timed(["debts_run", "--as-of", "2026-11-23"], env)
    figures["run_seconds"] = round(seconds, 2)
    figures["run"] = out.strip().splitlines()
    record_result(f"debts_{database}", figures)
    assert seconds <= RUN_TARGET_SECONDS, figures
    slow = {k: round(r) for k, r in rates.items() if r < ROWS_PER_SECOND}
    assert not slow, (slow, figures)
