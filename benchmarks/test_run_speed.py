"""Issue 3: the arrears run over 100,000 tenancies with 5 years of history, loaded through the
import door, end to end (`rentbook run`: read, decide, store) in 15 seconds or less on
PostgreSQL and on SQLite; with 10 years of history, no more than 1.25 times the 5-year time.

Loading 38 million rows (77 million for 10 years) takes many minutes per database, so each
is loaded once into a persistent bench database (PostgreSQL rb_bench_runN, SQLite
bench-data/runN.sqlite3) and reused while its marker file (bench-data/...loaded) exists.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from benchmarks.conftest import (
    PG_SERVER,
    RENTBOOK,
    fresh_postgres,
    fresh_sqlite,
    record_result,
    run,
)

TENANCIES = int(os.environ.get("BENCH_TENANCIES", "100000"))
END = "2026-11-22"  # the simulated files end on this Sunday
AS_OF = "2026-11-23"  # the weekly run on the Monday after
TARGET_SECONDS = 15.0
HISTORY_FACTOR = 1.25


def landlord(bench_data: Path, years: int) -> Path:
    out = bench_data / f"landlord-{TENANCIES}x{years}"
    if not (out / "transactions.csv").exists():
        run(
            [
                "simulate",
                "--tenancies", str(TENANCIES),
                "--years", str(years),
                "--seed", "2026",
                "--end", END,
                "--out", str(out),
            ],
            "sqlite:///:memory:",
        )  # fmt: skip
    return out


def loaded(bench_data: Path, database: str, years: int) -> str:
    """A database holding the simulated landlord, loaded through the import door once."""
    if database == "postgresql":
        name = f"rb_bench_run{years}"
        marker = bench_data / f"{name}.loaded"
        url = f"{PG_SERVER}/{name}"
    else:
        path = bench_data / f"run{years}.sqlite3"
        marker = bench_data / f"run{years}.sqlite3.loaded"
        url = f"sqlite:///{path}"
    if marker.exists():
        run(["migrate"], url)
        return url
    files = landlord(bench_data, years)
    url = fresh_postgres(name) if database == "postgresql" else fresh_sqlite(path)
    run(["migrate"], url)
    for kind in ("tenancies", "charges", "transactions"):
        run(["import", kind, str(files / f"{kind}.csv")], url)
    marker.write_text(json.dumps({"url": url, "files": str(files)}))
    return url


def shell(code: str, url: str) -> float:
    return run(["shell", "-c", code], url)


def forget_run(url: str) -> None:
    """Remove an earlier benchmark run of the day, so the run is measured from scratch."""
    shell(
        "from rentbook.engine.models import Run, Recommendation\n"
        f"runs = Run.objects.filter(as_of='{AS_OF}')\n"
        "Recommendation.objects.filter(run__in=runs).delete(); runs.delete()",
        url,
    )


def ensure_checkpoint(url: str) -> float:
    """The checkpoint a transactions import leaves (refreshed now for databases loaded before
    the import door refreshed it); returns the seconds it took."""
    return shell(
        "from datetime import date\n"
        "from rentbook.ledger.positions import checkpoint_date, refresh_checkpoints\n"
        f"refresh_checkpoints(checkpoint_date(date.fromisoformat('{AS_OF}')))",
        url,
    )


def run_output(url: str, policy: str = "hackney") -> tuple[float, str]:
    """Time `rentbook run` for the benchmark day with ``policy``; its seconds and output."""
    import time

    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [RENTBOOK, "run", "--as-of", AS_OF, "--policy", policy],
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return took, done.stdout


def measure(bench_data: Path, database: str, years: int) -> dict:
    url = loaded(bench_data, database, years)
    checkpoint_s = ensure_checkpoint(url)
    forget_run(url)
    seconds, out = run_output(url)
    again_s, again = run_output(url)
    assert "nothing added" in again
    accounts = int(out.split(" accounts decided")[0].rsplit(": ", 1)[1].replace(",", ""))
    figures = {
        "tenancies": TENANCIES,
        "years": years,
        "as_of": AS_OF,
        "accounts_decided": accounts,
        "run_end_to_end_s": round(seconds, 2),
        "run_inside_s": float(out.split(" accounts decided in ")[1].split(" s")[0]),
        "rerun_same_day_s": round(again_s, 2),
        "checkpoint_refresh_s": round(checkpoint_s, 2),
    }
    record_result(f"run-{database}-{years}y", figures)
    return figures


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_run_over_100k_tenancies_with_5_years_takes_15_seconds(bench_data, database):
    figures = measure(bench_data, database, 5)
    assert figures["run_end_to_end_s"] <= TARGET_SECONDS, figures


@pytest.mark.slow
@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_10_years_of_history_cost_at_most_a_quarter_more_than_5(bench_data, database):
    # Both measured here, one after the other, so they see the same machine.
    ten = measure(bench_data, database, 10)
    five = measure(bench_data, database, 5)
    ratio = ten["run_end_to_end_s"] / five["run_end_to_end_s"]
    record_result(f"run-{database}-history", {"five": five, "ten": ten, "ratio": round(ratio, 3)})
    assert ten["run_end_to_end_s"] <= TARGET_SECONDS, ten
    assert ratio <= HISTORY_FACTOR, f"10 years {ratio:.2f}x 5 years on {database}"
