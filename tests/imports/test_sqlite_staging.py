"""SQLite: a first load is staged by ADBC into files that Django's connection copies in."""

from __future__ import annotations

import signal

import pytest
from django.db import connection

from rentbook.imports import loaders, sqlite_staging, transactions
from rentbook.imports.loaders import attached_stages
from rentbook.imports.services import import_file
from rentbook.ledger import summary
from rentbook.ledger.models import AccountMonth, Transaction

from .conftest import TX_HEADER, tenant_row, tx_row

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's loader")


@pytest.fixture
def stagers(monkeypatch):
    """Every stager made, with small files so that a few rows make several."""
    made: list[sqlite_staging.Stager] = []
    real = sqlite_staging.Stager.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(sqlite_staging.Stager, "__init__", spy)
    monkeypatch.setattr(sqlite_staging, "FIRST_FILE_ROWS", 2)
    return made


def rows(n: int) -> list[dict[str, str]]:
    return [tx_row(f"C{i:03}", amount=f"{i + 1}.00") for i in range(n)]


def test_a_first_load_is_staged_in_growing_files_and_every_row_goes_in(
    tenancies, files, stagers, monkeypatch
):
    files_written: list[int] = []
    real_close = sqlite_staging._StageFile.close

    def spy_close(self):
        files_written.append(self.rows)
        real_close(self)

    monkeypatch.setattr(sqlite_staging._StageFile, "close", spy_close)
    result = import_file("transactions", files.csv("t.csv", rows(23), TX_HEADER), batch_rows=1)
    assert result.ok and result.rows_posted == 23
    got = sorted(Transaction.objects.values_list("source_ref", "amount"))
    assert got == [(f"C{i:03}", (i + 1) * 100) for i in range(23)]
    # 2 rows, then as many as before: 2, 2, 4, 8, and the rest
    assert files_written[:4] == [2, 2, 4, 8] and sum(files_written) >= 23
    assert stagers and not stagers[0].directory.exists()


def test_the_last_file_takes_the_rest_when_attachments_run_short(
    tenancies, files, stagers, monkeypatch
):
    monkeypatch.setattr(loaders, "MAX_FILES", 2)
    result = import_file("transactions", files.csv("t.csv", rows(12), TX_HEADER), batch_rows=1)
    assert result.rows_posted == 12 and Transaction.objects.count() == 12
    # the transactions took both attachments; the summary's loads fell back to executemany
    assert len(stagers) == 1
    assert AccountMonth.objects.exists()
    before = sorted(AccountMonth.objects.values_list("account_id", "month", "charge"))
    summary.refresh(rebuild=True)
    assert sorted(AccountMonth.objects.values_list("account_id", "month", "charge")) == before


def test_a_repeat_across_staged_batches_undoes_the_load_and_is_named(tenancies, files, stagers):
    data = [*rows(5), tx_row("C001")]
    result = import_file("transactions", files.csv("t.csv", data, TX_HEADER), batch_rows=2)
    assert [(p.line, p.column, p.reason) for p in result.problems] == [
        (7, "transaction_ref", "a duplicate of line 3")
    ]
    assert result.rows_posted == 5 and Transaction.objects.count() == 5
    assert all(not s.directory.exists() for s in stagers)


def test_an_interrupted_staged_load_leaves_nothing(tenancies, files, stagers, monkeypatch):
    calls = 0
    real_post = transactions._post

    def failing_post(out, good, run):
        nonlocal calls
        calls += 1
        if calls == 4:
            raise RuntimeError("the machine went away")
        return real_post(out, good, run)

    monkeypatch.setattr(transactions, "_post", failing_post)
    with pytest.raises(RuntimeError):
        import_file("transactions", files.csv("t.csv", rows(10), TX_HEADER), batch_rows=1)
    assert Transaction.objects.count() == 0
    assert stagers and all(not s.directory.exists() for s in stagers)


def test_a_failing_stager_fails_the_load_without_hanging(tenancies, files, stagers, monkeypatch):
    def full_disk(self, frame):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite_staging._StageFile, "write", full_disk)

    def hung(signum, frame):
        raise TimeoutError("the load hung")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        with pytest.raises(OSError, match="No space left"):
            import_file("transactions", files.csv("t.csv", rows(12), TX_HEADER), batch_rows=1)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert Transaction.objects.count() == 0
    assert stagers and all(not s.directory.exists() for s in stagers)


@pytest.mark.django_db(transaction=True)
def test_staging_files_are_detached_once_the_load_commits(files):
    tenants = [tenant_row("T1")]
    assert import_file("tenancies", files.csv("tenancies.csv", tenants)).ok
    result = import_file("transactions", files.csv("t.csv", rows(3), TX_HEADER))
    assert result.rows_posted == 3
    assert attached_stages(connection.connection) == []
