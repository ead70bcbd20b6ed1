"""A transactions file imported again byte for byte, all of whose rows went in before, is
recognised by its SHA-256 and posts nothing without being read."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rentbook.imports import services
from rentbook.imports.models import ImportBatch
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction

from .conftest import TX_HEADER, tenant_row, tx_row


@pytest.fixture
def unread(monkeypatch):
    """Fail if a transactions file is read."""
    columns, _ = services.LEDGER_KINDS["transactions"]

    def read(table, run):
        raise AssertionError("the file was read")

    def arm():
        monkeypatch.setitem(services.LEDGER_KINDS, "transactions", (columns, read))

    return arm


def test_the_same_file_again_posts_nothing_unread(tenancies, files, unread):
    path = files.csv("t.csv", [tx_row("A1"), tx_row("A2", tenancy="T2")], TX_HEADER)
    first = import_file("transactions", path)
    assert first.rows_posted == 2
    unread()
    again = import_file("transactions", path)
    assert (again.rows_read, again.rows_posted, again.rows_present) == (2, 0, 2)
    assert f"as import {first.batch_id} of" in again.summary()
    assert again.same_as == first.batch_id
    batch = ImportBatch.objects.get(pk=again.batch_id)
    assert batch.status == ImportBatch.Status.POSTED
    assert (
        batch.rows_unchanged == 2
        and batch.sha256 == ImportBatch.objects.get(pk=first.batch_id).sha256
    )
    assert Transaction.objects.count() == 2


def test_a_file_with_rows_rejected_before_is_read_again(tenancies, files):
    # T3 is unknown at first; once its tenancy is imported the same file posts its row.
    path = files.csv("t.csv", [tx_row("A1"), tx_row("A2", tenancy="T3")], TX_HEADER)
    first = import_file("transactions", path)
    assert (first.rows_posted, first.rows_rejected) == (1, 1)
    assert import_file("tenancies", files.csv("more.csv", [tenant_row("T3")])).ok
    again = import_file("transactions", path)
    assert (again.rows_posted, again.rows_present, again.rows_rejected) == (1, 1, 0)
    assert again.notes == []


def test_the_same_file_from_another_source_is_read(tenancies, files):
    path = files.csv("t.csv", [tx_row("A1")], TX_HEADER)
    import_file("transactions", path)
    other = import_file("transactions", path, source="bank")
    assert other.rows_posted == 1 and other.notes == []


def test_a_changed_file_is_read(tenancies, files):
    import_file("transactions", files.csv("t.csv", [tx_row("A1")], TX_HEADER))
    changed = import_file(
        "transactions", files.csv("t.csv", [tx_row("A1"), tx_row("A2")], TX_HEADER)
    )
    assert (changed.rows_posted, changed.rows_present) == (1, 1)


def test_a_dry_run_of_the_same_file_reads_it(tenancies, files):
    path = files.csv("t.csv", [tx_row("A1")], TX_HEADER)
    import_file("transactions", path)
    dry = import_file("transactions", path, dry_run=True)
    assert (dry.rows_read, dry.rows_present, dry.notes) == (1, 1, [])


def test_the_command_says_which_import_the_same_file_matched(tenancies, files, capsys):
    path = files.csv("t.csv", [tx_row("A1")], TX_HEADER)
    call_command("import", "transactions", str(path))
    assert "rows/s" in capsys.readouterr().out
    call_command("import", "transactions", str(path))
    out = capsys.readouterr().out
    assert "1 already present" in out and "nothing to post" in out
    assert "rows/s" not in out  # it was not read, so there is no rate to give


def test_a_renamed_copy_is_read(tenancies, files):
    rows = [tx_row("A1")]
    import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    copy = import_file("transactions", files.csv("copy.csv", rows, TX_HEADER))
    assert (copy.rows_read, copy.rows_present, copy.same_as) == (1, 1, None)
