"""The import door's one entry point, called by the ``import`` command and the upload page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from rentbook.audit.services import acting_as, record
from rentbook.imports import charges, declared, tenancies, transactions
from rentbook.imports.layouts import LayoutError, load_layout
from rentbook.imports.loaders import BulkLoadConflict, bulk_loading, detach_stages
from rentbook.imports.models import ImportBatch
from rentbook.imports.reading import Columns, FileError, Table, open_table
from rentbook.imports.results import ImportResult, RejectsWriter
from rentbook.imports.run import Run
from rentbook.imports.signals import import_done
from rentbook.imports.sqlite_journal import rollback_journal
from rentbook.ledger.models import Transaction
from rentbook.ledger.positions import checkpoint_date, refresh_checkpoints
from rentbook.ledger.postings import INTERNAL_SOURCES
from rentbook.ledger.summary import refresh as refresh_summary

Importer = Callable[[Table, Run], None]

#: The ledger's kinds: their columns and the function that imports a table of them.
LEDGER_KINDS: dict[str, tuple[Columns, Importer]] = {
    "tenancies": (tenancies.COLUMNS, tenancies.import_tenancies),
    "charges": (charges.COLUMNS, charges.import_charges),
    "transactions": (transactions.COLUMNS, transactions.import_transactions),
}


def kinds() -> dict[str, tuple[Columns, Importer]]:
    """Every kind the door takes: the ledger's, then those the later apps declare
    (imports/declared.py), in the order a day's files are imported (``rentbook sync``)."""
    out = dict(LEDGER_KINDS)
    for name, kind in declared.REGISTRY.items():
        out[name] = (kind.columns, declared.importer(kind))
    return out


SOURCE_MAX = ImportBatch._meta.get_field("source").max_length


class ImportRefused(ValueError):
    """The request itself is wrong (an unknown kind, a bad source name)."""


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run."""


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(kind: str, path: Path | str, **options: Any) -> ImportResult:
    """Import one file of ``kind``; every outcome is a result, never an exception, except
    :class:`ImportRefused` for a kind or source that cannot be right.

    Options: ``source``, ``dry_run``, ``rejects_path``, ``user``, ``now``, ``batch_rows``,
    ``options`` (a kind's own, such as the diary's ``codes``: the landlord's code mapping),
    ``layout`` (a TOML file: the file is in someone else's columns, imports/layouts.py).
    """
    try:
        return _import_once(kind, path, **options)
    except BulkLoadConflict:
        # A first load met a reference repeated in the file only when it rebuilt the unique
        # index, and everything was undone; the ordinary way names each repeated line.
        token = bulk_loading.set(False)
        try:
            return _import_once(kind, path, **options)
        finally:
            bulk_loading.reset(token)


def _import_once(
    kind: str,
    path: Path | str,
    *,
    source: str = "import",
    dry_run: bool = False,
    rejects_path: Path | str | None = None,
    user: Any = None,
    now: Callable[[], datetime] = timezone.now,
    batch_rows: int = 1_000_000,
    options: dict[str, Any] | None = None,
    layout: Path | str | None = None,
) -> ImportResult:
    every = kinds()
    if kind not in every:
        raise ImportRefused(f"unknown kind {kind!r}: use one of {', '.join(every)}")
    source = source.strip()
    if not source or len(source) > SOURCE_MAX:
        raise ImportRefused(f"the source name must be 1 to {SOURCE_MAX} characters")
    if source in INTERNAL_SOURCES:
        raise ImportRefused(f"the source name {source!r} is kept for entries rentbook posts")
    path = Path(path)
    rejects = Path(rejects_path) if rejects_path else default_rejects_path(path)
    columns, importer = every[kind]
    reader = declared.REGISTRY[kind].reader if kind in declared.REGISTRY else None
    laid = None
    if layout is not None:
        if reader is not None:
            raise ImportRefused(f"{kind} is read from its own XML; a layout is for CSV and XLSX")
        try:
            laid = load_layout(layout, kind, columns)
        except LayoutError as e:
            raise ImportRefused(str(e)) from None
    result = ImportResult(kind=kind, path=path, source=source, dry_run=dry_run)
    started = now()
    as_at = checkpoint_date(timezone.localdate(started))
    clock = perf_counter()
    # Hashing a large file takes seconds: do it beside the import (hashlib frees the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool, acting_as(user):
        digest = pool.submit(sha256_of, path) if path.is_file() else None
        batch = None
        if kind == "transactions" and not dry_run and digest is not None:
            done = _already_imported(source, path, digest, result, started, user, now)
            if done is not None:
                result.batch_id = done.pk
                if rejects.exists() and rejects_path is None:
                    rejects.unlink()  # a stale list from an earlier run of this file would mislead
                result.seconds = perf_counter() - clock
                return result
        try:
            table = (
                reader(path)
                if reader
                else open_table(path, columns, batch_rows=batch_rows, layout=laid)
            )
            if table.unread:
                result.notes.append(
                    f"not read (the layout {laid.name if laid else ''} does not name them): "
                    + ", ".join(table.unread)
                )
            writer = RejectsWriter(rejects, table.header, table.columns)
            try:
                with _first_load_journal(kind, result), transaction.atomic():
                    batch = _new_batch(kind, source, path, started, user, dry_run)
                    run = Run(
                        source=source,
                        batch_id=batch.pk,
                        result=result,
                        rejects=writer,
                        checkpoint_as_at=as_at,
                        options=options or {},
                        now=started,
                    )
                    importer(table, run)
                    if dry_run:
                        raise _RollBack
                    sha = digest.result() if digest else ""
                    _finish(batch, result, sha, now(), ImportBatch.Status.POSTED)
            finally:
                writer.close()
                _detach_stages()
        except _RollBack:
            batch = None
        except FileError as e:
            result.file_errors.append(str(e))
            batch = None
        if batch is None:
            if result.file_errors:
                result.rows_posted = result.rows_present = result.rows_updated = 0
            status = ImportBatch.Status.FAILED if result.file_errors else ImportBatch.Status.DRY_RUN
            sha = _safe_result(digest)
            batch = _new_batch(kind, source, path, started, user, dry_run)
            _finish(batch, result, sha, now(), status)
    result.batch_id = batch.pk
    posted = batch.status == ImportBatch.Status.POSTED and result.rows_posted
    if kind == "transactions" and posted:
        # the arrears run reads a checkpoint plus recent rows: keep the checkpoint recent;
        # the indicators read the summary plus the rows above its watermark: keep that short
        refresh_checkpoints(as_at)  # a first load has made it already
        refresh_summary()
    elif posted and kind in declared.REGISTRY and declared.REGISTRY[kind].ledger:
        # A day's payment files post a few thousand rows each: folding them into the summary
        # costs what they are, but remaking the checkpoint would cost its whole look-back
        # (8 s a file at 100,000 tenancies on SQLite). Neither is ever wrong, only less
        # complete: the run reads the rows a checkpoint lacks by id (ledger/positions.py),
        # and the next transactions import brings the checkpoint up to date. A sync folds
        # once, after its last file (folds_deferred).
        if _folds_deferred.get() is None:
            refresh_summary()
        else:
            _folds_deferred.set(True)
    if batch.status == ImportBatch.Status.POSTED and (result.rows_posted or result.rows_updated):
        import_done.send(sender=ImportBatch, kind=kind, result=result)
    result.problems.sort(key=lambda p: p.line)
    if result.rows_rejected and not result.file_errors:
        result.rejects_path = rejects
    elif rejects.exists() and (rejects_path is None or result.file_errors):
        rejects.unlink()  # a stale list from an earlier run of this file would mislead
    result.seconds = perf_counter() - clock
    return result


#: Inside :func:`folds_deferred`: None outside; False, or True once a file left its fold.
_folds_deferred: ContextVar[bool | None] = ContextVar("folds_deferred", default=None)


@contextmanager
def folds_deferred() -> Iterator[None]:
    """Payment files imported in the block fold into the ledger summary once, at its end,
    not one fold each (a night's sync: rentbook.imports.sync)."""
    token = _folds_deferred.set(False)
    try:
        yield
    finally:
        left = _folds_deferred.get()
        _folds_deferred.reset(token)
        if left:
            refresh_summary()


def _already_imported(
    source: str,
    path: Path,
    digest: Any,
    result: ImportResult,
    started: datetime,
    user: Any,
    now: Callable[[], datetime],
) -> ImportBatch | None:
    """If these very bytes were imported from ``source`` before and every row of them went
    into the ledger (posted or already there, none rejected), record a batch that posts
    nothing and return it: the ledger never loses a row, so all of them are still there.
    Otherwise None, and the file is imported as usual (a row rejected before, for a tenancy
    not yet imported say, may go in now). Without this, reading 38 million rows only to find
    each one present took 15 minutes."""
    complete = ImportBatch.objects.filter(
        kind="transactions",
        source=source,
        filename=path.name[:255],
        status=ImportBatch.Status.POSTED,
        dry_run=False,
        rows_rejected=0,
    )
    # Only a file of a name imported before waits for its hash (a first load, or this week's
    # new file, starts at once and is hashed beside the import); a renamed copy is read.
    if not complete.exists():
        return None
    try:
        sha = digest.result()
    except OSError:
        return None
    earlier = complete.filter(sha256=sha).order_by("-finished_at").first()
    if earlier is None or earlier.rows_read != earlier.rows_posted + earlier.rows_unchanged:
        return None
    result.rows_read = result.rows_present = earlier.rows_read
    result.same_as = earlier.pk
    result.notes.append(
        f"The same file (SHA-256 {sha[:12]}…) as import {earlier.pk} of"
        f" {timezone.localtime(earlier.finished_at):%-d %B %Y %H:%M}, all of whose"
        " rows are in the ledger: nothing to post."
    )
    with transaction.atomic():
        batch = _new_batch("transactions", source, path, started, user, False)
        _finish(batch, result, sha, now(), ImportBatch.Status.POSTED)
    return batch


@contextmanager
def _first_load_journal(kind: str, result: ImportResult) -> Iterator[None]:
    """SQLite: a first load of transactions into an empty ledger, or of a declared kind
    (the diary, say) into its empty table, with no other connection open, takes the rollback
    journal and writes each page once (imports/sqlite_journal.py)."""
    # a kind that posts to the ledger too writes pages of the ledger already in use, which
    # the rollback journal would copy and sync in full: only into an empty ledger is it a gain
    # (a day's payment files into a ledger of 38 million rows: 10.7 s, against 8.5 s in WAL)
    also = None
    if kind == "transactions":
        target, what = Transaction, "ledger"
    elif kind in declared.REGISTRY:
        target, what = declared.REGISTRY[kind].model, "table"
        also = Transaction if declared.REGISTRY[kind].ledger else None
    else:
        target = None
    if (
        target is None
        or connection.vendor != "sqlite"
        or connection.in_atomic_block
        or not bulk_loading.get()
        or target._default_manager.exists()
        or (also is not None and also._default_manager.exists())
    ):
        yield
        return
    with rollback_journal(connection.connection) as alone:
        if alone:
            result.notes.append(
                f"A first load into an empty {what}: it had the database to itself, and"
                " nothing else could read it until the load ended."
            )
        yield


def _detach_stages() -> None:
    """Detach a SQLite first load's staging files once its transaction has ended, committed
    or not (so a retry after a rollback starts with none); inside an enclosing transaction
    they wait for the next load."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block and connection.connection:
        detach_stages(connection.connection)


def _safe_result(digest: Any) -> str:
    try:
        return digest.result() if digest else ""
    except OSError:
        return ""


def _new_batch(
    kind: str, source: str, path: Path, started: datetime, user: Any, dry_run: bool
) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind,
        source=source,
        filename=path.name[:255],
        sha256="",
        started_at=started,
        dry_run=dry_run,
        user=user if getattr(user, "pk", None) else None,
    )


def _finish(
    batch: ImportBatch, result: ImportResult, sha: str, finished: datetime, status: str
) -> None:
    batch.sha256 = sha
    batch.finished_at = finished
    batch.status = status
    batch.rows_read = result.rows_read
    batch.rows_posted = result.rows_posted
    batch.rows_updated = result.rows_updated
    batch.rows_unchanged = result.rows_present
    batch.rows_rejected = result.rows_rejected
    batch.message = result.summary()
    batch.save()
    record(
        "import",
        object_type="imports.ImportBatch",
        object_id=str(batch.pk),
        summary=f"{batch.kind} from {batch.filename}: {result.summary()}",
        after={
            "kind": batch.kind,
            "source": batch.source,
            "filename": batch.filename,
            "sha256": sha,
            "status": status,
            "rows_read": result.rows_read,
            "rows_posted": result.rows_posted,
            "rows_updated": result.rows_updated,
            "rows_present": result.rows_present,
            "rows_rejected": result.rows_rejected,
        },
    )
