"""Bulk writing of imported rows: the speed-critical part of the import door.

One backend per database, both set-based and both inside the caller's transaction (Django's
connection, so tests' transactions and ``transaction.atomic`` hold):

- PostgreSQL: COPY (text format) straight into the table, or, once a row is found already
  there, into a temporary staging table followed by one ``INSERT ... SELECT ... ON CONFLICT
  (source, source_ref) DO NOTHING``.
- SQLite: ``executemany`` of one prepared ``INSERT ... ON CONFLICT DO NOTHING``.

Both return how many rows were inserted, so the caller can tell "posted" from "already
present" without reading the rows back.

A first load into an empty table (``bulk_if_empty``) drops the table's secondary indexes,
unique ones too (and on PostgreSQL unique constraints), inside the transaction and builds them
again at the end: one sort is far cheaper than keeping tens of millions of index entries in
order row by row. An empty table cannot hold a row that conflicts, so only the file itself
can repeat a reference; if rebuilding a unique index finds one, :class:`BulkLoadConflict` undoes the
whole import and the caller runs it again the ordinary way, which names the repeated lines.
A first load also writes differently: on PostgreSQL every batch goes into one COPY sent by a
worker thread; on SQLite batches are staged by the ADBC driver (imports/sqlite_staging.py) and
copied in by ``INSERT ... SELECT``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import sqlite3
from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, NoReturn

import polars as pl
import psycopg
from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter

from rentbook.imports.sqlite_staging import MAX_FILES, STAGE_PREFIX, Stager

_counter = itertools.count(1)

#: Whether a loader may drop and rebuild indexes for a first load (off for the retry).
bulk_loading = ContextVar("bulk_loading", default=True)


class BulkLoadConflict(Exception):
    """A first load repeated a reference the rebuilt unique constraint refused."""


class Loader:
    """Inserts frames into one table, skipping rows whose conflict key is already there."""

    def __init__(self, table: str, columns: Sequence[str], conflict: Sequence[str] | None) -> None:
        self.table = table
        self.columns = list(columns)
        self.conflict = list(conflict or ())

    @property
    def on_conflict(self) -> str:
        if not self.conflict:
            return ""
        return f" ON CONFLICT ({', '.join(_qn(c) for c in self.conflict)}) DO NOTHING"

    #: Statements that rebuild what a first load dropped, run by ``finish``.
    rebuild: list[str]
    #: Whether this is a first load into an empty table (its indexes dropped until ``finish``).
    bulk: bool = False

    def insert(self, frame: pl.DataFrame) -> int:
        raise NotImplementedError

    def finish(self) -> None:
        """Rebuild the indexes a first load dropped (before reading the table by them)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # On an error the caller's transaction is rolled back, which undoes everything done
        # here; the connection may refuse any statement until then.
        if exc_type is None:
            self.finish()
            self.close()
        else:
            self.abort()

    def abort(self) -> None:
        """Leave the connection able to roll back after an error (an open COPY is ended)."""


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


#: What COPY's text format reads as an escape, and the escapes to write instead.
_TEXT_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = "[\\\\\t\n\r]"


#: Rows formatted and sent at a time into a first load's one COPY.
STREAM_SLICE = 500_000


def _copy_bytes(frame: pl.DataFrame, columns: list[str]) -> bytes:
    buf = io.BytesIO()
    copy_text(frame.select(columns)).write_csv(
        buf, include_header=False, separator="\t", quote_style="never", null_value="\\N"
    )
    return buf.getvalue()


def copy_text(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its text escaped for COPY's text format (tab-separated, NULL as \\N).

    PostgreSQL reads the text format about twice as fast as CSV (measured: 409,000 against
    202,000 rows a second for the ledger's transactions), so that is what is sent.
    """
    escaped = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        column = frame.get_column(name)
        if not column.str.contains(_NEEDS_ESCAPE).any():
            continue
        expr = pl.col(name)
        for char, escape in _TEXT_ESCAPES.items():  # the backslash first
            expr = expr.str.replace_all(char, escape, literal=True)
        escaped.append(expr)
    return frame.with_columns(escaped) if escaped else frame


class PostgresLoader(Loader):
    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        conflict: Sequence[str] | None,
        *,
        keys_checked: bool = False,
        bulk_if_empty: bool = False,
    ) -> None:
        super().__init__(table, columns, conflict)
        connection.ensure_connection()
        self.pg = connection.connection
        self.rebuild = []
        self._copy: psycopg.Copy | None = None
        self._copy_block: Any = None
        self._cursor: psycopg.Cursor | None = None
        self._streamed = 0
        self.stage = f"rb_stage_{table}_{next(_counter)}"
        cols = ", ".join(_qn(c) for c in self.columns)
        with self.pg.cursor() as cur:
            # Losing a commit after a crash loses only an import that is simply run again.
            cur.execute("SET LOCAL synchronous_commit = off")
            if keys_checked:
                self._skip_foreign_key_triggers(cur)
            cur.execute(
                f"CREATE TEMP TABLE {self.stage} AS SELECT {cols} FROM {_qn(table)} WITH NO DATA"
            )
        self._copy_sql = f"COPY {self.stage} ({cols}) FROM STDIN (FORMAT text)"
        self._direct_sql = f"COPY {_qn(table)} ({cols}) FROM STDIN (FORMAT text)"
        # Try the direct COPY only where a conflict would be caught by a unique index.
        self.direct = bool(self.conflict)
        self._insert_sql = (
            f"INSERT INTO {_qn(table)} ({cols}) SELECT {cols} FROM {self.stage}" + self.on_conflict
        )
        if bulk_if_empty and bulk_loading.get():
            with self.pg.cursor() as cur:
                cur.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {_qn(table)})")
                if cur.fetchone()[0]:
                    self._drop_secondary_indexes(cur)
                    self.bulk = True

    def _drop_secondary_indexes(self, cur: psycopg.Cursor) -> None:
        table = _qn(self.table)
        # ALTER TABLE refuses a table with deferred foreign-key checks still pending in this
        # transaction (rows written earlier in it, such as a court case's follow-on diary
        # entries); run them now, as the commit would.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)",
            [self.table, table],
        )
        indexes = cur.fetchall()
        for name, definition in constraints:
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_qn(name)}")
            self.rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {_qn(name)} {definition}")
        for name, definition in indexes:
            cur.execute(f"DROP INDEX {_qn(name)}")
            self.rebuild.append(definition)
        # Back to deferred checks, Django's default for every foreign key it makes.
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        # Index builds sort in memory when they may; the default (64 MB) spills to disk.
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")

    def _stream(self) -> psycopg.Copy:
        """The one COPY a first load writes every batch into, sent to the server by a worker
        thread: while PostgreSQL reads one batch, this thread checks and formats the next.
        (A COPY per batch, written from this thread, left PostgreSQL idle for about half of
        a 38-million-row load.)"""
        if self._copy is None:
            self._cursor = self.pg.cursor()
            self._copy_block = self._cursor.copy(
                self._direct_sql, writer=QueuedLibpqWriter(self._cursor)
            )
            self._copy = self._copy_block.__enter__()
        return self._copy

    def _end_stream(self, error: BaseException | None = None) -> None:
        if self._copy is None:
            return
        block, cursor = self._copy_block, self._cursor
        self._copy = self._copy_block = self._cursor = None
        if error is None:
            block.__exit__(None, None, None)
            if cursor.rowcount != self._streamed:
                raise RuntimeError(
                    f"COPY wrote {cursor.rowcount} rows of {self._streamed} into {self.table}"
                )
        else:
            with contextlib.suppress(Exception):
                block.__exit__(type(error), error, None)
        cursor.close()

    def abort(self) -> None:
        self._end_stream(RuntimeError("the import stopped"))

    def finish(self) -> None:
        self._end_stream()
        with self.pg.cursor() as cur:
            rebuilt = bool(self.rebuild)
            if rebuilt:  # as in _drop_secondary_indexes: no pending checks for ALTER TABLE
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            while self.rebuild:
                try:
                    cur.execute(self.rebuild[0])
                except psycopg.errors.UniqueViolation as e:
                    raise BulkLoadConflict(str(e)) from e
                self.rebuild.pop(0)
            if rebuilt:
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
                # A table that was empty has no statistics until autovacuum gets to it, and
                # until then the planner guesses: the first arrears run after a 61-million-row
                # load took 49 s, and 7 s once analysed. Sampling takes seconds.
                cur.execute(f"ANALYZE {_qn(self.table)}")

    def insert(self, frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        if self.rebuild:  # a first load: no unique index to conflict with, nothing to stage
            # In slices, so this thread formats the next while the worker sends the last (a
            # declared kind hands over its whole file as one frame)
            for start in range(0, frame.height, STREAM_SLICE):
                self._stream().write(_copy_bytes(frame.slice(start, STREAM_SLICE), self.columns))
            self._streamed += frame.height
            return frame.height
        buf = io.BytesIO(_copy_bytes(frame, self.columns))
        if self.direct:
            inserted = self._copy_direct(buf)
            if inserted is not None:
                return inserted
        with self.pg.cursor() as cur:
            with cur.copy(self._copy_sql) as copy:
                copy.write(buf.getbuffer())
            cur.execute(self._insert_sql)
            inserted = cur.rowcount
            cur.execute(f"TRUNCATE {self.stage}")
        return inserted

    @staticmethod
    def _skip_foreign_key_triggers(cur: psycopg.Cursor) -> None:
        """Skip PostgreSQL's per-row foreign key checks, which cost a third of a large load.

        Only for rows whose keys the caller has already matched against the parent table in
        this transaction. It needs a superuser (a bulk-loading role); otherwise the checks
        simply run as usual.
        """
        cur.execute("SAVEPOINT rb_replica")
        try:
            cur.execute("SET LOCAL session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            cur.execute("ROLLBACK TO SAVEPOINT rb_replica")
        else:
            cur.execute("RELEASE SAVEPOINT rb_replica")

    def _copy_direct(self, buf: io.BytesIO) -> int | None:
        """COPY straight into the table, the fast path for rows that are all new; None (and
        nothing written) if any row is already there, after which staging is used."""
        with self.pg.cursor() as cur:
            cur.execute("SAVEPOINT rb_direct_copy")
            try:
                with cur.copy(self._direct_sql) as copy:
                    copy.write(buf.getbuffer())
            except psycopg.errors.UniqueViolation:
                cur.execute("ROLLBACK TO SAVEPOINT rb_direct_copy")
                self.direct = False
                return None
            inserted = cur.rowcount
            cur.execute("RELEASE SAVEPOINT rb_direct_copy")
            return inserted

    def close(self) -> None:
        with self.pg.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.stage}")


class SqliteLoader(Loader):
    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        conflict: Sequence[str] | None,
        *,
        bulk_if_empty: bool = False,
    ) -> None:
        super().__init__(table, columns, conflict)
        connection.ensure_connection()
        self.db = connection.connection
        self.rebuild = []
        self._stager: Stager | None = None
        self._staged = self._loaded = 0
        cols = ", ".join(_qn(c) for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        self._plain_sql = f"INSERT INTO {_qn(table)} ({cols}) VALUES ({marks})"
        self._sql = self._plain_sql + self.on_conflict
        empty = f"SELECT NOT EXISTS (SELECT 1 FROM {_qn(table)})"
        if bulk_if_empty and bulk_loading.get() and self.db.execute(empty).fetchone()[0]:
            self._drop_secondary_indexes()
            self.bulk = True
            detach_stages(self.db)

    def _drop_secondary_indexes(self) -> None:
        # A UNIQUE in the table's definition (an autoindex, no sql) cannot be dropped in
        # SQLite; a unique index of its own can, and is built again by one sort at the end,
        # far cheaper than keeping it in order row by row (the ledger's, Transaction.Meta).
        # Until then rows go in without ON CONFLICT: the table was empty.
        rows = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",
            [self.table],
        ).fetchall()
        for name, definition in rows:
            self.db.execute(f"DROP INDEX {_qn(name)}")
            self.rebuild.append(definition)

    def _new_stager(self) -> Stager | None:
        """A stager with the attachments left in this transaction, or None if none are."""
        free = MAX_FILES - len(attached_stages(self.db))
        if free <= 0:
            return None
        transaction.on_commit(lambda: detach_stages(self.db))
        name = str(connection.settings_dict["NAME"])
        near = Path(name).parent if name and "memory" not in name else None
        return Stager(self.columns, max_files=free, near=near if near and near.is_dir() else None)

    def _load_staged(self, paths: list[Path]) -> None:
        """Copy finished staging files into the table, one INSERT ... SELECT each."""
        cols = ", ".join(_qn(c) for c in self.columns)
        for path in paths:
            name = f"{STAGE_PREFIX}{next(_counter)}"
            self.db.execute(f"ATTACH DATABASE ? AS {name}", [str(path)])
            before = self.db.total_changes
            try:
                self.db.execute(
                    f"INSERT INTO {_qn(self.table)} ({cols}) SELECT {cols} FROM {name}.s"
                )
            except sqlite3.IntegrityError as e:
                _raise_if_repeat(e)  # a reference repeated across batches
            self._loaded += self.db.total_changes - before
            path.unlink()  # the open file stays readable until it is detached

    def abort(self) -> None:
        if self._stager is not None:
            self._stager.discard()
            self._stager = None

    def finish(self) -> None:
        if self._stager is not None:
            stager, self._stager = self._stager, None
            try:
                self._load_staged(stager.close())
            finally:
                stager.remove()
            if self._loaded != self._staged:
                raise RuntimeError(
                    f"staging loaded {self._loaded} rows of {self._staged} into {self.table}"
                )
        while self.rebuild:
            try:
                self.db.execute(self.rebuild[0])
            except sqlite3.IntegrityError as e:
                _raise_if_repeat(e)
            self.rebuild.pop(0)

    def insert(self, frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        if self.bulk and self._stager is None and not self._staged:
            self._stager = self._new_stager()
        if self._stager is not None:
            # A first load: staged in a worker thread, copied in as each file is finished.
            # The table was empty, so only the file can repeat a reference, and the unique
            # index refuses it, as a row goes in or when it is built again (either is
            # BulkLoadConflict): every row given goes in or the load fails.
            self._stager.put(frame)
            self._staged += frame.height
            self._load_staged(self._stager.ready())
            return frame.height
        # SQLite keeps Django's dates as ISO text.
        frame = frame.select(self.columns).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        before = self.db.total_changes
        # Whole columns to Python lists, zipped into rows: well over twice as fast as
        # iterating the frame's rows, which builds each row through Polars.
        rows = zip(*(frame.get_column(c).to_list() for c in self.columns), strict=True)
        if self.rebuild:  # a first load without a stager: no unique index to conflict with
            try:
                self.db.executemany(self._plain_sql, rows)
            except sqlite3.IntegrityError as e:
                _raise_if_repeat(e)
        else:
            self.db.executemany(self._sql, rows)
        return self.db.total_changes - before


def _raise_if_repeat(error: sqlite3.IntegrityError) -> NoReturn:
    """A first load's unique violation as :class:`BulkLoadConflict` (the file repeated a
    key); any other integrity error as itself."""
    if "UNIQUE constraint failed" in str(error):
        raise BulkLoadConflict(str(error)) from error
    raise error


def attached_stages(db: sqlite3.Connection) -> list[str]:
    """The staging files attached to a SQLite connection."""
    return [
        name
        for _, name, _ in db.execute("PRAGMA database_list").fetchall()
        if name.startswith(STAGE_PREFIX)
    ]


def detach_stages(db: sqlite3.Connection) -> None:
    """Detach the staging files an earlier first load left attached. A file read in the open
    transaction cannot be detached until it ends, and stays (its loader used fewer files)."""
    for name in attached_stages(db):
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute(f"DETACH DATABASE {name}")


def loader(
    table: str,
    columns: Sequence[str],
    conflict: Sequence[str] | None,
    *,
    keys_checked: bool = False,
    bulk_if_empty: bool = False,
) -> Loader:
    """A bulk writer for ``table``. ``keys_checked``: every foreign key in the rows has been
    matched against its parent table in this transaction, so the database need not.
    ``bulk_if_empty``: if the table is empty, drop its secondary indexes until ``finish``."""
    if connection.vendor == "postgresql":
        return PostgresLoader(
            table, columns, conflict, keys_checked=keys_checked, bulk_if_empty=bulk_if_empty
        )
    if connection.vendor == "sqlite":
        return SqliteLoader(table, columns, conflict, bulk_if_empty=bulk_if_empty)
    raise NotImplementedError(f"bulk import into {connection.vendor} is not supported")


def fetch_by_refs(
    table: str, source: str, refs: list[str], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """The rows of ``table`` from ``source`` whose ``source_ref`` is one of ``refs`` (through
    the unique (source, source_ref) index, a few thousand at a time): ``schema``'s columns."""
    cols = ", ".join(schema)
    parts = [pl.DataFrame(schema=schema)]
    step = 5000
    for i in range(0, len(refs), step):
        chunk = refs[i : i + step]
        if connection.vendor == "postgresql":
            where, params = "source_ref = ANY(%s)", [chunk]
        else:
            where, params = f"source_ref IN ({', '.join(['%s'] * len(chunk))})", chunk
        parts.append(
            fetch_frame(
                f"SELECT {cols} FROM {table} WHERE source = %s AND {where}",
                [source, *params],
                schema,
            )
        )
    return pl.concat(parts)


def fetch_frame(sql: str, params: Sequence[object], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query on Django's connection and return its rows as a frame."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
