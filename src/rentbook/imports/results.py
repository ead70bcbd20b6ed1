"""What an import did: counts, the problems found, and the rejects file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from rentbook.imports.reading import LINE

#: How many problems an ImportResult keeps in memory; the rejects file has them all.
KEEP_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


@dataclass
class ImportResult:
    kind: str
    path: Path
    source: str
    dry_run: bool = False
    batch_id: int | None = None
    rows_read: int = 0
    rows_posted: int = 0
    rows_updated: int = 0
    rows_present: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    file_errors: list[str] = field(default_factory=list)
    #: Facts about the import as a whole worth telling (not problems).
    notes: list[str] = field(default_factory=list)
    #: The earlier batch this file was identical to, if it was known by its hash and not read.
    same_as: int | None = None
    rejects_path: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_errors and self.rows_rejected == 0

    def summary(self) -> str:
        if self.file_errors:
            return "File refused, nothing posted: " + "; ".join(self.file_errors)
        verb = "would be posted" if self.dry_run else "posted"
        parts = [
            f"{self.rows_read:,} rows read",
            f"{self.rows_posted:,} {verb}",
        ]
        if self.kind != "transactions":
            parts.append(f"{self.rows_updated:,} {'would be ' if self.dry_run else ''}updated")
        parts += [f"{self.rows_present:,} already present", f"{self.rows_rejected:,} rejected"]
        text = ", ".join(parts)
        if self.dry_run:
            text = "Dry run, nothing posted: " + text
        return ". ".join([text, " ".join(self.notes)]) if self.notes else text


class RejectsWriter:
    """Writes rejected rows, as they were in the file, with line, column and reason."""

    def __init__(self, path: Path, header: list[str], columns: list[str]) -> None:
        self.path = path
        self.header = header
        self.columns = columns
        self._file = None
        self._writer = None

    def write(self, raw: pl.DataFrame, problems: pl.DataFrame) -> None:
        if problems.height == 0:
            return
        # named apart from the file's own columns
        per_line = problems.group_by(LINE, maintain_order=True).agg(
            pl.col("column").str.join("; ").alias("_problem_column"),
            pl.col("reason").str.join("; ").alias("_problem_reason"),
        )
        rows = (
            per_line.join(raw.with_columns(pl.col(LINE).cast(pl.Int64)), on=LINE, how="left")
            .sort(LINE)
            .select(*self.columns, LINE, "_problem_column", "_problem_reason")
        )
        if self._writer is None:
            self._file = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._file)
            self._writer.writerow([*self.header, "line", "column", "reason"])
        for row in rows.iter_rows():
            self._writer.writerow(["" if v is None else v for v in row])

    @property
    def written(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
