"""The restore drill (issue 17): a landlord built through the import door is backed up by
`rentbook backup`, restored by `rentbook restore` into a new, empty database, and the restored
database holds the same rows and ledger sum and serves the run's worktray. On SQLite always; on
PostgreSQL when DATABASE_URL points at one. Each step is the real command in its own process,
as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

RENTBOOK = str(Path(sys.executable).with_name("rentbook"))
SERVER = os.environ.get("DATABASE_URL", "")


def rentbook(url: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run([RENTBOOK, *args], env=env, capture_output=True, text=True)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def facts(url: str) -> dict:
    out = rentbook(url, "shell", "-c", "import json; from rentbook.backup import manifest; "
                   "print(json.dumps(manifest()))").stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def databases(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(kind, the live database, an empty one to restore into)."""
    out = [("sqlite", f"sqlite:///{tmp_path}/live.sqlite3", f"sqlite:///{tmp_path}/new.sqlite3")]
    if SERVER.startswith("postgres"):
        import psycopg

        base = SERVER.rsplit("/", 1)[0]
        names = [f"rb_drill_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            for n in names:
                conn.execute(f'CREATE DATABASE "{n}"')
        out = [("postgresql", f"{base}/{names[0]}", f"{base}/{names[1]}")]
    return out


def drop(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_restore_drill(tmp_path):
    for kind, live, new in databases(tmp_path):
        try:
            rentbook(live, "demo", "--no-serve", "--tenancies", "40", "--years", "1",
                     "--dir", str(tmp_path / "files"))  # fmt: skip
            before = facts(live)
            assert before["rows"]["ledger_transaction"] > 1000 and before["ledger_sum"] != 0
            backup = tmp_path / f"rentbook-{kind}.backup"
            rentbook(live, "backup", str(backup))
            assert backup.stat().st_size > 0 and Path(f"{backup}.manifest.json").exists()
            # the drill: an empty database, restored and checked, then used
            done = rentbook(new, "restore", str(backup))
            assert "checked against its manifest" in done.stdout
            assert facts(new) == before
            rentbook(new, "migrate", "--check")  # nothing left to apply
            worked = rentbook(new, "run", "--policy", "hackney")
            assert "accounts" in worked.stdout
            # restoring over a database with tables is refused unless asked for
            again = rentbook(new, "restore", str(backup), ok=False)
            assert again.returncode != 0 and "not empty" in again.stderr
        finally:
            drop(live)
            drop(new)
