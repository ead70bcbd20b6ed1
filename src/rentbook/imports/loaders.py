"""Bulk writing of imported rows: the speed-critical part of the import door.

One backend per database, both set-based and both inside the caller's transaction (Django's
connection, so tests' transactions and ``transaction.atomic`` hold):

- PostgreSQL: COPY into a temporary staging table, then one ``INSERT ... SELECT ... ON
  CONFLICT (source, source_ref) DO NOTHING``.
- SQLite: ``executemany`` of one prepared ``INSERT ... ON CONFLICT DO NOTHING``.

Both return how many rows were inserted, so the caller can tell "posted" from "already
present" without reading the rows back.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence

import polars as pl
import psycopg
from django.db import connection

_counter = itertools.count(1)


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

    def insert(self, frame: pl.DataFrame) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


class PostgresLoader(Loader):
    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        conflict: Sequence[str] | None,
        *,
        keys_checked: bool = False,
    ) -> None:
        super().__init__(table, columns, conflict)
        connection.ensure_connection()
        self.pg = connection.connection
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
        self._copy_sql = f"COPY {self.stage} ({cols}) FROM STDIN (FORMAT csv)"
        self._direct_sql = f"COPY {_qn(table)} ({cols}) FROM STDIN (FORMAT csv)"
        # Try the direct COPY only where a conflict would be caught by a unique index.
        self.direct = bool(self.conflict)
        self._insert_sql = (
            f"INSERT INTO {_qn(table)} ({cols}) SELECT {cols} FROM {self.stage}" + self.on_conflict
        )

    def insert(self, frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        buf = io.BytesIO()
        # Text columns are never null in these tables; an empty string must be written
        # quoted, because COPY reads an unquoted empty field as NULL.
        frame.select(self.columns).write_csv(buf, include_header=False, quote_style="non_numeric")
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
    def __init__(self, table: str, columns: Sequence[str], conflict: Sequence[str] | None) -> None:
        super().__init__(table, columns, conflict)
        connection.ensure_connection()
        self.db = connection.connection
        cols = ", ".join(_qn(c) for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        self._sql = f"INSERT INTO {_qn(table)} ({cols}) VALUES ({marks})" + self.on_conflict

    def insert(self, frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        # SQLite keeps Django's dates as ISO text.
        frame = frame.select(self.columns).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        before = self.db.total_changes
        self.db.executemany(self._sql, frame.iter_rows())
        return self.db.total_changes - before


def loader(
    table: str,
    columns: Sequence[str],
    conflict: Sequence[str] | None,
    *,
    keys_checked: bool = False,
) -> Loader:
    """A bulk writer for ``table``. ``keys_checked``: every foreign key in the rows has been
    matched against its parent table in this transaction, so the database need not."""
    if connection.vendor == "postgresql":
        return PostgresLoader(table, columns, conflict, keys_checked=keys_checked)
    if connection.vendor == "sqlite":
        return SqliteLoader(table, columns, conflict)
    raise NotImplementedError(f"bulk import into {connection.vendor} is not supported")


def fetch_frame(sql: str, params: Sequence[object], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a query on Django's connection and return its rows as a frame."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
