"""The state of one import while it runs, shared by the importers of each kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from rentbook.imports.reading import LINE
from rentbook.imports.results import KEEP_PROBLEMS, ImportResult, Problem, RejectsWriter


@dataclass
class Run:
    source: str
    batch_id: int
    result: ImportResult
    rejects: RejectsWriter
    user: Any = None
    #: Where the checkpoint made after this import goes (a first load sums it as it goes).
    checkpoint_as_at: date | None = None
    #: A kind's own options (the diary's code mapping).
    options: dict[str, Any] = field(default_factory=dict)
    #: When the import began (what declared kinds stamp on the records they create).
    now: datetime | None = None

    def reject(self, raw: pl.DataFrame, problems: pl.DataFrame) -> None:
        """Count, keep and write the problems of one batch (raw: the batch as read)."""
        if problems.height == 0:
            return
        self.result.rows_rejected += problems.get_column(LINE).n_unique()
        self.result.problems_total += problems.height
        room = KEEP_PROBLEMS - len(self.result.problems)
        if room > 0:
            for line, column, reason in problems.head(room).iter_rows():
                self.result.problems.append(Problem(int(line), column, reason))
        self.rejects.write(raw, problems)
