"""A first load into an empty SQLite ledger writes each page of the file once.

rentbook runs SQLite in WAL mode, so that readers carry on while a writer writes. But in WAL
mode every page a transaction writes goes into the write-ahead log first and is copied into
the database file again by the checkpoint after the commit: a first load of 38 million rows
is 7 GB written twice, and its index builds and ledger summary read the new table back
through the log. With the rollback journal instead, pages that are new to the file go
straight into it, and only the few pages that were in use before the load are copied to the
journal (the first load of the benchmark: 203.6 s in WAL, 147.5 s like this).

The price is that nothing else can read the database while the load writes, which in WAL it
could. SQLite leaves WAL only when no other connection has the database open, so a first load
takes the rollback journal only then, and otherwise loads in WAL as before. Either way it is
one transaction: an interrupted load leaves a journal that the next connection rolls back.
WAL is restored as the load ends, committed or not; if that fails, the next connection to
open the database restores it (settings' ``init_command``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress

#: ``PRAGMA synchronous`` values by number, as SQLite reports them.
_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


@contextmanager
def rollback_journal(db: sqlite3.Connection) -> Iterator[bool]:
    """Run the block with the rollback journal if ``db`` is the only connection to a WAL
    database and no transaction is open; yields whether it did."""
    if db.in_transaction or not _leave_wal(db):
        yield False
        return
    synchronous = _SYNCHRONOUS.get(db.execute("PRAGMA synchronous").fetchone()[0], "NORMAL")
    # NORMAL is safe in WAL; with a rollback journal only FULL is safe against power loss.
    db.execute("PRAGMA synchronous=FULL")
    try:
        yield True
    finally:
        db.execute(f"PRAGMA synchronous={synchronous}")
        with suppress(sqlite3.OperationalError):  # another connection opened meanwhile
            db.execute("PRAGMA journal_mode=WAL")


def _leave_wal(db: sqlite3.Connection) -> bool:
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return False  # an in-memory database, or one kept in another mode on purpose
    try:
        return db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:  # "database is locked": another connection has it open
        return False
