"""A file in someone else's columns: a layout names, for one kind, which of the file's columns
holds each of rentbook's, and gives a value for a column the file does not have. Allpay,
PayPoint and the Post Office send each landlord their own layout, specified in the contract,
not published; a landlord writes it down once as a layout and imports the files as they come
(docs/imports.md, "Files in their own layouts").

    # Allpay's daily payments file, from our contract's specification
    kind = "cash_payments"

    [columns]            # rentbook's column = the file's heading
    payment_ref = "Transaction ID"
    reference = "Client Ref"
    amount = "Amount Paid"
    paid_at = "Payment Date"
    outlet = "Outlet Name"

    [values]             # a column the file does not have: the same in every row
    channel = "allpay"

The file's other columns are not read (the import's notes name them). Headings are matched
ignoring case and surrounding spaces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from rentbook.imports.reading import LINE, Columns, FileError, normalise_name

MAX_BYTES = 64 * 1024


class LayoutError(ValueError):
    """The layout itself is wrong: nothing is imported with it."""


@dataclass(frozen=True)
class Layout:
    kind: str
    #: rentbook's column -> the file's heading, normalised
    columns: dict[str, str]
    #: rentbook's column -> its value in every row
    values: dict[str, str]
    name: str = ""

    def names(self, header: list[str], spec: Columns) -> list[str]:
        """Each heading's rentbook column, or "" when it is not read; or FileError naming every
        column the layout wants that the file lacks."""
        heading_of = {h: c for c, h in self.columns.items()}
        normal = [normalise_name(h) for h in header]
        lacking = [f"{h!r} (for {c})" for c, h in self.columns.items() if h not in normal]
        if lacking:
            raise FileError(
                f"the file has no column {', '.join(lacking)} that the layout {self.name} names"
            )
        seen: set[str] = set()
        for n in normal:
            if n in heading_of and n in seen:
                raise FileError(f"the column {n!r} appears more than once")
            seen.add(n)
        names = [heading_of.get(n, "") for n in normal]
        missing = [c for c in spec.required if c not in names and c not in self.values]
        if missing:
            raise FileError(f"the layout {self.name} gives no column for: {', '.join(missing)}")
        return names

    def batches(self, batches: Iterator[pl.DataFrame], kept: list[str]) -> Iterator[pl.DataFrame]:
        for b in batches:
            yield b.select(LINE, *kept).with_columns(
                pl.lit(v, dtype=pl.String).alias(c) for c, v in self.values.items()
            )


def load_layout(path: Path | str, kind: str, spec: Columns) -> Layout:
    """The layout in the TOML file ``path`` for ``kind``, checked against the kind's columns."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LayoutError(f"the layout {path.name} is more than {MAX_BYTES:,} bytes")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise LayoutError(f"cannot read the layout {path}: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise LayoutError(f"the layout {path.name} is not valid TOML: {e}") from None
    problems = []
    unknown_keys = sorted(set(data) - {"kind", "columns", "values"})
    if unknown_keys:
        problems.append(f"unknown setting(s): {', '.join(unknown_keys)}")
    if data.get("kind") != kind:
        problems.append(f"it is for kind {data.get('kind')!r}, not {kind!r}")
    columns, values = data.get("columns", {}), data.get("values", {})
    if not isinstance(columns, dict) or not isinstance(values, dict):
        problems.append("[columns] and [values] are tables of column = text")
        columns, values = {}, {}
    for table, entries in (("columns", columns), ("values", values)):
        for column, text in entries.items():
            if column not in spec.all:
                problems.append(f"[{table}] {column}: {kind} has no such column")
            if not isinstance(text, str) or (table == "columns" and not text.strip()):
                problems.append(f"[{table}] {column}: give it as text")
    both = sorted(set(columns) & set(values))
    if both:
        problems.append(f"a column both read and given: {', '.join(both)}")
    headings = [normalise_name(h) for h in columns.values() if isinstance(h, str)]
    if len(set(headings)) != len(headings):
        problems.append("two columns are read from the same heading")
    if not columns:
        problems.append("[columns] names none of the file's columns")
    if problems:
        raise LayoutError(f"the layout {path.name} cannot be used: " + "; ".join(problems))
    return Layout(
        kind=kind,
        columns={c: normalise_name(h) for c, h in columns.items()},
        values={c: v for c, v in values.items()},
        name=path.name,
    )
