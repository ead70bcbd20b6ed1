"""A write through the API is a one-row import: the import door's validation, idempotency by
the caller's reference, its batch record and audit entry, in the calling system's name."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rentbook.api.models import ApiClient
from rentbook.audit.services import acting_as
from rentbook.imports.services import import_file


@dataclass(frozen=True)
class Written:
    status: str  # created, updated, unchanged, rejected
    batch: int | None
    errors: list[dict[str, str]]


def write_row(kind: str, row: dict[str, Any], client: ApiClient) -> Written:
    values = {k: "" if v is None else str(v) for k, v in row.items()}
    options: dict[str, Any] = {}
    if kind == "diary" and client.codes:
        options["options"] = {"codes": client.codes}
    with tempfile.TemporaryDirectory(prefix="rentbook-api-") as tmp:
        path = Path(tmp) / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(values))
            writer.writeheader()
            writer.writerow(values)
        with acting_as(client.user):
            result = import_file(
                kind, path, source=f"api:{client.name}", user=client.user, **options
            )
    if result.file_errors:
        return Written("rejected", None, [{"field": "", "reason": e} for e in result.file_errors])
    if result.rows_rejected:
        errors = [{"field": p.column, "reason": p.reason} for p in result.problems]
        return Written("rejected", result.batch_id, errors)
    if result.rows_posted:
        status = "created"
    elif result.rows_updated:
        status = "updated"
    else:
        status = "unchanged"
    return Written(status, result.batch_id, [])
