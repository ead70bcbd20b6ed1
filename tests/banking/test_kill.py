"""kill -9 during a payment file's load, after its ledger rows are written and before the
commit, leaves the ledger and the suspense account as they were; the file run again loads."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from tests.banking.test_channels import write
from tests.imports.conftest import tenant_row, write_csv

ROWS = [
    {"payment_ref": f"AP{i}", "reference": "T1" if i % 2 else "NOSUCH", "amount": "5.00",
     "paid_at": "2026-12-04 09:00", "channel": "allpay"}
    for i in range(200)
]  # fmt: skip


def _rentbook(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    rentbook = str(Path(sys.executable).with_name("rentbook"))
    return subprocess.run([rentbook, *args], env=env, capture_output=True, text=True)


def _load_and_die(path: Path, env: dict[str, str]) -> None:
    script = f"""
        import os, signal, django
        os.environ["DJANGO_SETTINGS_MODULE"] = "rentbook.settings"
        django.setup()
        from rentbook.banking import import_kinds
        from rentbook.imports.services import import_file
        post = import_kinds.post_matched
        def post_then_die(*args, **kw):
            post(*args, **kw)
            os.kill(os.getpid(), signal.SIGKILL)
        import_kinds.post_matched = post_then_die
        import_file("cash_payments", {str(path)!r}, source="allpay")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file once")
def test_a_payment_file_killed_mid_load_leaves_the_ledger_as_before(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'rentbook.sqlite3'}"}
    assert _rentbook(env, "migrate", "-v0").returncode == 0
    tenancies = write_csv(tmp_path / "t.csv", [tenant_row("T1")])
    assert _rentbook(env, "import", "tenancies", str(tenancies)).returncode == 0
    path = write(tmp_path / "allpay.csv", ROWS)
    _load_and_die(path, env)
    db = sqlite3.connect(tmp_path / "rentbook.sqlite3")
    assert db.execute("SELECT count(*) FROM ledger_transaction").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM banking_channelpayment").fetchone() == (0,)
    db.close()
    again = _rentbook(env, "import", "cash_payments", str(path), "--source", "allpay")
    assert again.returncode == 0 and "200 posted" in again.stdout, again.stdout + again.stderr
    db = sqlite3.connect(tmp_path / "rentbook.sqlite3")
    assert db.execute("SELECT count(*), sum(amount) FROM ledger_transaction").fetchone() == (
        100,
        -50_000,
    )
    assert db.execute(
        "SELECT count(*) FROM banking_channelpayment WHERE status = 'suspense'"
    ).fetchone() == (100,)
    db.close()
