"""Opening an import file: CSV or XLSX in, batches of text columns with line numbers out.

Every column is read as text so that parsing (and its error messages) is ours, not the
reader's guess. File-level problems raise :class:`FileError`; nothing is posted from such a
file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from rentbook.imports.layouts import Layout

#: Name of the column holding each row's line number in the file (the header is line 1).
LINE = "_line"

_ZIP_MAGIC = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 1 << 16


class FileError(Exception):
    """The file as a whole cannot be imported: nothing from it is posted."""


@dataclass(frozen=True)
class Columns:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Table:
    """An opened file: its (normalised) column names and its rows in batches."""

    columns: list[str]
    batches: Iterator[pl.DataFrame]
    #: The header as written in the file, for the rejects file.
    header: list[str]
    #: The file's columns not read (a layout names the ones it reads: imports/layouts.py).
    unread: list[str] = field(default_factory=list)


def normalise_name(name: str) -> str:
    return name.strip().lower()


def check_header(header: Sequence[str], spec: Columns, layout: Layout | None = None) -> list[str]:
    """The normalised column names, or FileError naming every missing, unknown or repeated one.
    Through a layout, each heading's rentbook column, a column it does not read named apart."""
    if layout is not None:
        return [n or f"{_UNREAD}{i}" for i, n in enumerate(layout.names(list(header), spec))]
    names = [normalise_name(h) for h in header]
    problems = []
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(f"the column {n!r} appears more than once")
        seen.add(n)
    unknown = [n for n in names if n not in spec.all]
    missing = [c for c in spec.required if c not in seen]
    if "" in unknown:
        problems.append("a column has no name")
        unknown = [n for n in unknown if n]
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    if problems:
        raise FileError("; ".join(problems))
    return names


def open_table(
    path: Path, spec: Columns, *, batch_rows: int = 1_000_000, layout: Layout | None = None
) -> Table:
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as e:
        raise FileError(f"cannot read the file: {e.strerror or e}") from None
    if not head.strip():
        raise FileError("the file is empty")
    if head.startswith(_ZIP_MAGIC):
        return _with_layout(_open_xlsx(path, spec, layout), layout)
    if b"\x00" in head:
        raise FileError("the file is not a CSV or XLSX file (it contains binary data)")
    return _with_layout(_open_csv(path, head, spec, batch_rows, layout), layout)


def _with_layout(table: Table, layout: Layout | None) -> Table:
    """The table as rentbook's columns: with a layout, those it reads and those it gives."""
    if layout is None:
        return table
    kept = [c for c in table.columns if not c.startswith(_UNREAD)]
    columns = [*kept, *layout.values]
    unread = [h for h, c in zip(table.header, table.columns, strict=True) if c.startswith(_UNREAD)]
    return Table(columns, layout.batches(table.batches, kept), columns, unread)


#: The name given to a column a layout does not read (unique, and never a real heading).
_UNREAD = "\x00unread"


def _decode_head(head: bytes) -> str:
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as e:
        # A multi-byte character cut off at the end of the sniffed block is not an error.
        if e.start >= len(head) - 3 and e.reason == "unexpected end of data":
            return head[: e.start].decode("utf-8")
        line = head[: e.start].count(b"\n") + 1
        raise FileError(
            f"the file is not UTF-8 text (line {line}); save it as CSV UTF-8 and try again"
        ) from None


def _open_csv(
    path: Path, head: bytes, spec: Columns, batch_rows: int, layout: Layout | None = None
) -> Table:
    text = _decode_head(head)
    first = text.splitlines()[0] if text.splitlines() else ""
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        raise FileError("the first line is not a CSV header") from None
    names = check_header(header, spec, layout)
    body = text[len(first) :].strip()
    if not body and path.stat().st_size <= _SNIFF_BYTES:
        raise FileError("the file has a header but no rows")
    lazy = pl.scan_csv(
        path,
        infer_schema=False,
        new_columns=names,
        row_index_name=LINE,
        row_index_offset=2,
        raise_if_empty=False,
    )
    return Table(names, _csv_batches(path, lazy, batch_rows), header)


def _csv_batches(path: Path, lazy: pl.LazyFrame, batch_rows: int) -> Iterator[pl.DataFrame]:
    try:
        yield from lazy.collect_batches(chunk_size=batch_rows)
    except pl.exceptions.ComputeError as e:
        raise FileError(_explain_csv_error(path, str(e))) from None


def _explain_csv_error(path: Path, message: str) -> str:
    if "utf-8" in message.lower() or "utf8" in message.lower():
        return "the file is not UTF-8 text; save it as CSV UTF-8 and try again"
    if "more fields" in message:
        line = _first_ragged_line(path)
        where = f" (line {line})" if line else ""
        return f"a row has more values than the header has columns{where}"
    return "the file could not be read as CSV: " + message.splitlines()[0]


def _first_ragged_line(path: Path) -> int | None:
    """The line of the first record with too many fields; only run when a read has failed."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        width = len(next(reader, []))
        for row in reader:
            if len(row) > width:
                return reader.line_num
    return None


def _open_xlsx(path: Path, spec: Columns, layout: Layout | None = None) -> Table:
    try:
        frame = pl.read_excel(
            path,
            sheet_id=1,
            infer_schema_length=0,
            raise_if_empty=False,
            drop_empty_cols=False,
            # Blank rows are dropped after numbering, so line numbers stay spreadsheet rows.
            drop_empty_rows=False,
        )
    except Exception as e:  # the Excel reader raises many kinds of error for a broken file
        raise FileError(f"the file could not be read as XLSX: {type(e).__name__}") from None
    header = list(frame.columns)
    if not header or all(h.startswith("__UNNAMED__") for h in header):
        raise FileError("the first sheet is empty")
    names = check_header(header, spec, layout)
    # Excel keeps dates as dates; the reader turns them into "YYYY-MM-DD 00:00:00" text.
    frame = frame.rename(dict(zip(frame.columns, names, strict=True))).with_columns(
        pl.all().cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
    )
    frame = frame.with_row_index(LINE, offset=2).filter(
        ~pl.all_horizontal(pl.exclude(LINE).is_null())
    )
    if frame.height == 0:
        raise FileError("the file has a header but no rows")
    return Table(names, iter([frame]), header)


def read_all(table: Table) -> pl.DataFrame:
    """Every row of a table in one frame (for the smaller kinds: tenancies and charges)."""
    frames = list(table.batches)
    if not frames:
        return pl.DataFrame(schema={LINE: pl.UInt32, **{c: pl.String for c in table.columns}})
    return pl.concat(frames, how="vertical")


def csv_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False)
    return buf.getvalue()
