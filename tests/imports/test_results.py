"""The one-line summary of an import, as the command prints it and the batch keeps it."""

from __future__ import annotations

from pathlib import Path

from rentbook.imports.results import ImportResult


def result(**fields) -> ImportResult:
    return ImportResult(kind="transactions", path=Path("t.csv"), source="import", **fields)


def test_the_summary_counts_each_outcome():
    done = result(rows_read=3, rows_posted=2, rows_present=1)
    assert done.summary() == "3 rows read, 2 posted, 1 already present, 0 rejected"


def test_notes_follow_the_counts_as_sentences_of_their_own():
    done = result(rows_read=1, rows_posted=1, notes=["First note.", "Second note."])
    assert done.summary() == (
        "1 rows read, 1 posted, 0 already present, 0 rejected. First note. Second note."
    )
