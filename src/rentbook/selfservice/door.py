"""What tenants do online enters rentbook through the import door, as any other system's
file would: one row of the kind, written to a temporary CSV and imported with the door's own
validation, keys and audit. So a card payment is a ``cash_payments`` row (posted to the ledger
once, keyed by the payment service's id) and a Direct Debit sign-up is a ``mandates`` row
(lodged with Bacs by ``rentbook bacs``, which also sends the advance notice)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from rentbook.imports.results import ImportResult
from rentbook.imports.services import import_file


class DoorRefused(ValueError):
    """The door rejected the row: its reasons, for the log and the person."""


def one_row(kind: str, row: dict[str, Any], *, source: str, user: Any = None) -> ImportResult:
    with tempfile.TemporaryDirectory(prefix="rentbook-selfservice-") as folder:
        path = Path(folder) / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(row))
            w.writeheader()
            w.writerow(row)
        result = import_file(kind, path, source=source, user=user)
    if result.file_errors or result.rows_rejected:
        reasons = result.file_errors + [str(p) for p in result.problems]
        raise DoorRefused("; ".join(reasons) or "the row was rejected")
    return result
