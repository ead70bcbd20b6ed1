"""Staging a first load into SQLite without binding each value through Python.

Python's ``sqlite3`` binds every value of every row one call at a time: ``executemany`` of the
ledger's rows ran at about 80,000 rows a second here, well below what SQLite itself does
(``INSERT ... SELECT`` from another table: about 380,000). So a first load writes its batches
with the ADBC SQLite driver (Apache Arrow's database connectivity: it binds whole Arrow columns
in C) into staging database files, in a worker thread, and Django's own connection copies each
file into the table with one ``INSERT ... SELECT`` inside the import's transaction. The staging
files are separate databases, so the import's write lock and its transaction are untouched.

A connection can have only ten databases attached, and one read inside a transaction cannot
be detached until it ends, so the files grow as the load does (a million rows, then as many
as have gone before): eight files hold 256 million rows, and the ninth whatever remains.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import adbc_driver_manager as adbc
import adbc_driver_sqlite
import polars as pl

#: Rows in the first staging file; each later one holds as many as all before it.
FIRST_FILE_ROWS = 2_000_000
#: Staging files attached to one connection at most (SQLite allows ten; one is left spare),
#: across the loads of one transaction (a first load, then the ledger summary's).
MAX_FILES = 9
STAGE_PREFIX = "rb_stage_"
_DONE = object()


class Stager:
    """Writes frames into staging files in a worker thread; hands back each finished file."""

    def __init__(
        self, columns: Sequence[str], *, max_files: int = MAX_FILES, near: Path | None = None
    ) -> None:
        """``near``: a directory to stage in (the database's own, so the files go to the same
        disk and not to a temporary directory that may be held in memory)."""
        self.columns = list(columns)
        self.max_files = max_files
        self.directory = Path(tempfile.mkdtemp(prefix="rentbook-stage-", dir=near))
        self._frames: queue.Queue[Any] = queue.Queue(maxsize=2)
        self._files: queue.Queue[Any] = queue.Queue()
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._run, name="import-stager", daemon=True)
        self._worker.start()

    def put(self, frame: pl.DataFrame) -> None:
        self._raise()
        self._frames.put(frame)

    def ready(self) -> list[Path]:
        """The files finished so far (none while the next is still being written)."""
        out = []
        while True:
            try:
                item = self._files.get_nowait()
            except queue.Empty:
                return out
            if item is _DONE:
                self._files.put(_DONE)
                return out
            out.append(item)

    def close(self) -> list[Path]:
        """Finish writing; the files not yet handed back."""
        self._frames.put(None)
        self._worker.join()
        self._raise()
        out = []
        while (item := self._files.get()) is not _DONE:
            out.append(item)
        return out

    def discard(self) -> None:
        """Stop and remove every staging file (after an error)."""
        while True:  # drop the frames still queued: only this thread puts, so then there is room
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        self._frames.put(None)
        self._worker.join()
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        file: _StageFile | None = None
        quota, total, count = FIRST_FILE_ROWS, 0, 0
        try:
            while (frame := self._frames.get()) is not None:
                if file is None:
                    count += 1
                    file = _StageFile(self.directory / f"stage-{count}.sqlite3")
                # SQLite keeps Django's dates as ISO text
                file.write(
                    frame.select(self.columns).with_columns(
                        pl.col(pl.Date).dt.to_string("%Y-%m-%d")
                    )
                )
                total += frame.height
                if file.rows >= quota and count < self.max_files:
                    file.close()
                    self._files.put(file.path)
                    file, quota = None, total
            if file is not None:
                file.close()
                self._files.put(file.path)
        except BaseException as e:  # raised in the importing thread by put or close
            self._error = e
            if file is not None:
                with contextlib.suppress(Exception):
                    file.close()
            # keep taking frames until the end, or a put or close would wait for ever
            while self._frames.get() is not None:
                pass
        finally:
            self._files.put(_DONE)


class _StageFile:
    """One staging database with one table, ``s``, written by ADBC."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._db = adbc_driver_sqlite.connect(str(path))
        self._conn = adbc.AdbcConnection(self._db)
        for pragma in ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF"):
            self._execute(pragma)

    def _execute(self, sql: str) -> None:
        stmt = adbc.AdbcStatement(self._conn)
        try:
            stmt.set_sql_query(sql)
            stmt.execute_update()
        finally:
            stmt.close()

    def write(self, frame: pl.DataFrame) -> None:
        stmt = adbc.AdbcStatement(self._conn)
        try:
            stmt.set_options(
                **{
                    "adbc.ingest.target_table": "s",
                    "adbc.ingest.mode": "adbc.ingest.mode.create_append",
                }
            )
            stmt.bind_stream(frame.__arrow_c_stream__())
            stmt.execute_update()
        finally:
            stmt.close()
        self.rows += frame.height

    def close(self) -> None:
        self._conn.close()
        self._db.close()
