"""Benchmarks run the real `rentbook` command in subprocesses against real databases.

`make bench` runs them. The data directory (BENCH_DATA, default ./bench-data) keeps simulated
files between runs, since simulating 50 million rows takes minutes of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RENTBOOK = str(Path(sys.executable).with_name("rentbook"))
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def run(args: list[str], database_url: str) -> float:
    """Run `rentbook ARGS` against DATABASE_URL; return the wall time in seconds."""
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    done = subprocess.run([RENTBOOK, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise AssertionError(f"rentbook {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return took


def fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def record_result(name: str, figures: dict) -> None:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
    print(f"\n{name}: {json.dumps(figures, default=str)}")


@pytest.fixture(scope="session")
def bench_data() -> Path:
    return Path(os.environ.get("BENCH_DATA", ROOT / "bench-data"))
