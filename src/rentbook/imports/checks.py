"""Collecting the problems found in a batch of rows: (line, column, reason)."""

from __future__ import annotations

import polars as pl

from rentbook.imports.reading import LINE

PROBLEM_SCHEMA = {LINE: pl.Int64, "column": pl.String, "reason": pl.String}


class Checks:
    """Problems found in one frame of rows, aligned by position with ``lines``."""

    def __init__(self, lines: pl.Series) -> None:
        self.lines = lines.cast(pl.Int64)
        self._parts: list[pl.DataFrame] = []

    def add(self, column: str, reasons: pl.Series) -> None:
        """Record the non-null reasons of a Series aligned with the rows."""
        if reasons.null_count() == len(reasons):
            return
        frame = pl.DataFrame({LINE: self.lines, "reason": reasons.cast(pl.String)})
        frame = frame.filter(pl.col("reason").is_not_null())
        self._parts.append(frame.select(LINE, pl.lit(column).alias("column"), "reason"))

    def where(
        self,
        column: str,
        mask: pl.Series,
        reason: str | pl.Series,
        values: pl.Series | None = None,
    ) -> None:
        """Record ``reason`` for every row where ``mask`` is true.

        With ``values``, each ``{}`` in the reason is replaced by the row's value.
        """
        mask = mask.fill_null(False)
        if not mask.any():
            return
        frame = pl.DataFrame({"mask": mask, "v": values if values is not None else mask})
        if isinstance(reason, str):
            text = pl.format(reason, pl.col("v")) if values is not None else pl.lit(reason)
        else:
            frame = frame.with_columns(r=reason)
            text = pl.col("r")
        self.add(
            column, frame.select(pl.when(pl.col("mask")).then(text).otherwise(None)).to_series()
        )

    def missing(self, column: str, values: pl.Series, *, mask: pl.Series | None = None) -> None:
        absent = values.is_null() if mask is None else values.is_null() & mask
        self.where(column, absent, "a value is required")

    def frame(self) -> pl.DataFrame:
        if not self._parts:
            return pl.DataFrame(schema=PROBLEM_SCHEMA)
        return pl.concat(self._parts).sort(LINE, maintain_order=True)

    def bad_lines(self) -> pl.Series:
        return self.frame().get_column(LINE).unique()


def good_rows(frame: pl.DataFrame, problems: pl.DataFrame) -> pl.DataFrame:
    if problems.height == 0:
        return frame
    bad = problems.get_column(LINE).unique()
    return frame.filter(~pl.col(LINE).cast(pl.Int64).is_in(bad.implode()))
