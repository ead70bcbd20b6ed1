from __future__ import annotations

import csv
from pathlib import Path

from rentbook.imports.services import import_file


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        for r in rows:
            w.writerow(dict.fromkeys(header, "") | r)
    return path


def load(tmp_path: Path, kind: str, rows: list[dict[str, str]], source: str = "revenues"):
    result = import_file(kind, write(tmp_path / f"{kind}.csv", rows), source=source)
    return result
