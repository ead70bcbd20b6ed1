"""Backups and restores of the database rentbook runs on (docs/operations.md, "Backups").

SQLite: SQLite's online backup (a consistent copy while the site and worker write, through
the write-ahead log), checked with ``PRAGMA integrity_check``. PostgreSQL: ``pg_dump`` in its
custom format, restored with ``pg_restore``. Beside each backup a manifest (JSON) holds what
the backup must give back: each table's rows and the ledger's sum. A restore goes only into an
empty database (or one it is told to replace) and then checks itself against the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

#: The tables a restore is checked by, with the ledger's sum.
CHECKED = (
    "ledger_account",
    "ledger_transaction",
    "portfolio_tenancy",
    "cases_diaryentry",
    "engine_recommendation",
    "audit_auditevent",
)


class BackupError(Exception):
    pass


def manifest() -> dict[str, Any]:
    """What the database holds, to compare a restore with."""
    out: dict[str, Any] = {"vendor": connection.vendor, "rows": {}}
    with connection.cursor() as cur:
        for table in CHECKED:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            out["rows"][table] = int(cur.fetchone()[0])
        cur.execute("SELECT COALESCE(SUM(amount), 0) FROM ledger_transaction")
        out["ledger_sum"] = int(cur.fetchone()[0])
        cur.execute("SELECT MAX(id) FROM django_migrations")
        out["migrations"] = int(cur.fetchone()[0] or 0)
    return out


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _pg_env(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", str(settings.get("HOST") or "127.0.0.1"),
            "--port", str(settings.get("PORT") or 5432),
            "--username", str(settings.get("USER") or "postgres")]  # fmt: skip
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[-2000:]}")


def backup(path: Path) -> dict[str, Any]:
    """Write a backup of the database to ``path`` and its manifest beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = connection.settings_dict
    facts = manifest()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(settings["NAME"])
        target = sqlite3.connect(path)
        try:
            source.backup(target)
            ok = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
            source.close()
        if ok != "ok":
            raise BackupError(f"the copy failed SQLite's integrity check: {ok}")
    elif connection.vendor == "postgresql":
        args, env = _pg_env(settings)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path),
              settings["NAME"]], env)  # fmt: skip
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    manifest_path(path).write_text(json.dumps(facts, indent=2))
    return facts


def _is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(path: Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore ``path`` into this (empty) database, then check it against the manifest;
    returns the manifest. ``replace`` restores over a database that has tables."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    expected = json.loads(manifest_path(path).read_text()) if manifest_path(path).exists() else None
    if expected and expected["vendor"] != connection.vendor:
        raise BackupError(
            f"that backup is of a {expected['vendor']} database, not {connection.vendor}"
        )
    if not _is_empty() and not replace:
        raise BackupError(
            "the database is not empty: restore into a new database, or say --replace"
        )
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()
        source = sqlite3.connect(path)
        target = sqlite3.connect(settings["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(settings)
        clean = ["--clean", "--if-exists"] if replace else []
        _run(["pg_restore", *args, *clean, "--no-owner", "--exit-on-error",
              "--dbname", settings["NAME"], str(path)], env)  # fmt: skip
    else:
        raise BackupError(f"no restore for {connection.vendor}")
    got = manifest()
    if expected is not None and got != expected:
        raise BackupError(f"the restored database differs from its backup: {expected} != {got}")
    return got
