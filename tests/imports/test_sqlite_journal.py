"""SQLite: a first load with the database to itself uses the rollback journal, then WAL again."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from rentbook.imports.sqlite_journal import rollback_journal

from .conftest import TX_HEADER, tenant_row, tx_row, write_csv

NORMAL, FULL = 1, 2


def wal_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    return db


def modes(db: sqlite3.Connection) -> tuple[str, int]:
    return (
        db.execute("PRAGMA journal_mode").fetchone()[0],
        db.execute("PRAGMA synchronous").fetchone()[0],
    )


def test_alone_it_loads_with_a_safe_rollback_journal_and_restores_wal(tmp_path):
    db = wal_database(tmp_path / "a.sqlite3")
    with rollback_journal(db) as alone:
        assert alone and modes(db) == ("delete", FULL)
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
        db.execute("COMMIT")
    assert modes(db) == ("wal", NORMAL)
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 1000


def test_with_another_connection_open_it_stays_in_wal(tmp_path):
    path = tmp_path / "a.sqlite3"
    db, other = wal_database(path), wal_database(path)
    with rollback_journal(db) as alone:
        assert not alone and modes(db) == ("wal", NORMAL)
        db.execute("INSERT INTO t VALUES (1)")
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 1  # still readable
    assert modes(db) == ("wal", NORMAL)


def test_an_error_in_the_load_restores_wal(tmp_path):
    db = wal_database(tmp_path / "a.sqlite3")
    with pytest.raises(ZeroDivisionError), rollback_journal(db):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("ROLLBACK")
        1 / 0  # noqa: B018
    assert modes(db) == ("wal", NORMAL)
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_not_inside_an_open_transaction_nor_in_memory(tmp_path):
    db = wal_database(tmp_path / "a.sqlite3")
    db.execute("BEGIN")
    with rollback_journal(db) as alone:
        assert not alone
    db.execute("ROLLBACK")
    memory = sqlite3.connect(":memory:")
    with rollback_journal(memory) as alone:
        assert not alone and modes(memory)[0] == "memory"


def test_a_load_killed_part_way_leaves_the_database_as_it_was(tmp_path):
    path = tmp_path / "a.sqlite3"
    db = wal_database(path)
    db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
    db.close()
    # a small page cache, so that the load writes into the database file before it dies
    script = f"""
        import os, sqlite3
        from rentbook.imports.sqlite_journal import rollback_journal
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("PRAGMA cache_size=10")
        with rollback_journal(db) as alone:
            assert alone
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM t")
            db.executemany("INSERT INTO t VALUES (?)", ((i,) for i in range(200_000)))
            os._exit(3)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True)
    assert done.returncode == 3, done.stderr
    assert Path(f"{path}-journal").exists()  # a hot journal: the next reader rolls it back
    db = wal_database(path)
    assert db.execute("SELECT count(*), sum(x) FROM t").fetchone() == (100, sum(range(100)))
    assert modes(db) == ("wal", NORMAL)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file once")
def test_the_import_command_takes_the_journal_for_a_first_load_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'rentbook.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    rentbook = str(Path(sys.executable).with_name("rentbook"))

    def run(*args: str) -> str:
        done = subprocess.run([rentbook, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("migrate", "-v0")
    run("import", "tenancies", str(write_csv(tmp_path / "t.csv", [tenant_row("T1")])))
    first = write_csv(tmp_path / "a.csv", [tx_row("A1"), tx_row("A2")], TX_HEADER)
    other = sqlite3.connect(tmp_path / "rentbook.sqlite3")  # a reader: the load shares
    other.execute("SELECT count(*) FROM ledger_transaction").fetchone()
    out = run("import", "transactions", "--dry-run", str(first))
    assert "Dry run" in out and "to itself" not in out
    other.close()
    out = run("import", "transactions", str(first))
    assert "2 posted" in out and "had the database to itself" in out
    later = write_csv(tmp_path / "b.csv", [tx_row("B1")], TX_HEADER)
    out = run("import", "transactions", str(later))
    assert "1 posted" in out and "to itself" not in out
    db = sqlite3.connect(tmp_path / "rentbook.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM ledger_transaction").fetchone()[0] == 3
