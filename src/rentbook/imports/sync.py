"""Keeping in step with a housing system: a directory of the day's export files imported in
dependency order, each through the one door, stopping cleanly at the first refused file.

A file is matched to its kind by its name: it starts with the kind's name (``diary.csv``,
``diary-2026-12-06.csv``, ``court_cases_20261206.xlsx``). Files of one kind go in name order.
A name that matches no kind stops the sync before anything is imported (it is usually a
mistake: a renamed or new export). Each file is imported as ``rentbook import`` would, so a
night's files that repeat yesterday's rows post only what is new or changed (docs/imports.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rentbook.imports.results import ImportResult
from rentbook.imports.services import folds_deferred, import_file, kinds

#: Bacs reports come as XML (banking/reports.py); every other kind as CSV or XLSX.
SUFFIXES = (".csv", ".xlsx", ".xml")


class SyncRefused(ValueError):
    """The directory cannot be synced as it is; nothing was imported."""


@dataclass
class SyncResult:
    planned: list[tuple[str, Path]] = field(default_factory=list)
    results: list[ImportResult] = field(default_factory=list)
    #: The file that was refused and stopped the sync, if one was.
    stopped_at: Path | None = None

    @property
    def not_imported(self) -> list[tuple[str, Path]]:
        done = len(self.results)
        return self.planned[done:]

    @property
    def ok(self) -> bool:
        return self.stopped_at is None and all(r.ok for r in self.results)


def kind_of(name: str, known: list[str]) -> str | None:
    """The kind a file's name says it holds: the longest kind name it starts with, followed by
    the end of the stem or a separator."""
    stem = name.lower().rsplit(".", 1)[0]
    for kind in sorted(known, key=len, reverse=True):
        if re.fullmatch(rf"{re.escape(kind)}([-_. ].*)?", stem):
            return kind
    return None


def plan(directory: Path) -> list[tuple[str, Path]]:
    """The directory's files as (kind, path), in the order they must be imported."""
    if not directory.is_dir():
        raise SyncRefused(f"{directory} is not a directory")
    order = list(kinds())
    files = sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.endswith(".rejects.csv")
    )
    planned, unknown = [], []
    for p in files:
        kind = kind_of(p.name, order)
        if kind is None:
            unknown.append(p.name)
        else:
            planned.append((kind, p))
    if unknown:
        raise SyncRefused(
            "these files are not named after a kind, so nothing was imported: "
            + ", ".join(unknown)
            + f" (a file's name starts with its kind: {', '.join(order)})"
        )
    if not planned:
        raise SyncRefused(f"no CSV, XLSX or XML files in {directory}")
    return sorted(planned, key=lambda kp: (order.index(kp[0]), kp[1].name))


def sync(
    directory: Path,
    *,
    on_file: Callable[[str, Path, ImportResult], None] | None = None,
    layouts: dict[str, Path] | None = None,
    **options: Any,
) -> SyncResult:
    """Import every file of ``directory`` in dependency order (``options`` as
    :func:`import_file`'s; ``layouts``, by kind, the layout its files come in); stop after the
    first file refused as a whole."""
    out = SyncResult(planned=plan(Path(directory)))
    with folds_deferred():
        for kind, path in out.planned:
            result = import_file(kind, path, layout=(layouts or {}).get(kind), **options)
            out.results.append(result)
            if on_file is not None:
                on_file(kind, path, result)
            if result.file_errors:
                out.stopped_at = path
                break
    return out


def layouts_by_kind(paths: list[Path]) -> dict[str, Path]:
    """The layout files (imports/layouts.py) by the kind each says it is for: one per kind."""
    import tomllib

    out: dict[str, Path] = {}
    for p in paths:
        try:
            kind = tomllib.loads(Path(p).read_text(encoding="utf-8")).get("kind")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise SyncRefused(f"the layout {p} cannot be read: {e}") from None
        if not isinstance(kind, str) or not kind:
            raise SyncRefused(f'the layout {p} does not say its kind (kind = "cash_payments")')
        if kind in out:
            raise SyncRefused(f"two layouts for {kind}: {out[kind].name} and {Path(p).name}")
        out[kind] = Path(p)
    return out
