"""A first load writes the arrears run's first checkpoint from the sums it made while posting,
and it equals the checkpoint made by reading the ledger."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.imports import services
from rentbook.imports.first_checkpoint import FirstLoadCheckpoint
from rentbook.imports.models import ImportBatch
from rentbook.imports.services import import_file
from rentbook.ledger.models import (
    AccountCheckpoint,
    AccountCredit,
    AccountMonth,
    AccountTotal,
    Checkpoint,
    LedgerSummary,
    Transaction,
)
from rentbook.ledger.positions import checkpoint_date, refresh_checkpoints

from .conftest import TX_HEADER, tx_row, write_csv
from .test_first_summary import ledger_rows

_names = itertools.count()
FIELDS = [
    f.name
    for f in AccountCheckpoint._meta.get_fields()
    if f.concrete and f.name not in ("id", "checkpoint")
]


def checkpoint_rows(checkpoint: Checkpoint) -> tuple[tuple, list[tuple]]:
    head = (checkpoint.as_at, checkpoint.through_id, checkpoint.first_id_after, checkpoint.accounts)
    rows = AccountCheckpoint.objects.filter(checkpoint=checkpoint).order_by("account_id")
    return head, list(rows.values_list(*FIELDS))


def empty_ledger() -> None:
    for model in (
        AccountCheckpoint,
        Checkpoint,
        AccountMonth,
        AccountTotal,
        AccountCredit,
        LedgerSummary,
        Transaction,
    ):
        model.objects.all().delete()
    ImportBatch.objects.all().delete()


@pytest.fixture
def no_sql_refresh(monkeypatch):
    """Leave the checkpoint as the import itself wrote it."""
    monkeypatch.setattr(services, "refresh_checkpoints", lambda as_at: None)


def at(day: date):
    return lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=ledger_rows(),
    batch_rows=st.integers(1, 12),
    # the rows run from 2024-03-25 for 120 days: checkpoints before, among and after them
    today=st.dates(date(2024, 3, 20), date(2024, 9, 30)),
)
def test_a_first_load_writes_the_checkpoint_the_ledger_reads_to(
    tenancies, tmp_path, no_sql_refresh, rows, batch_rows, today
):
    empty_ledger()
    path = write_csv(tmp_path / f"t{next(_names)}.csv", rows, TX_HEADER)
    result = import_file("transactions", path, batch_rows=batch_rows, now=at(today))
    assert result.ok, result.problems
    written = Checkpoint.objects.get()
    assert written.as_at == checkpoint_date(today)
    assert written.through_id == Transaction.objects.order_by("-id").first().pk
    summed = checkpoint_rows(written)
    read = refresh_checkpoints(written.as_at, rebuild=True)
    assert read.pk != written.pk
    assert summed == checkpoint_rows(read)


def test_a_row_dated_after_the_checkpoint_is_found_by_its_id(tenancies, files, no_sql_refresh):
    rows = [tx_row("C0", posted_on="2024-04-01"), tx_row("C1", posted_on="2024-05-06")]
    rows += [tx_row("C2", posted_on="2024-04-08")]
    result = import_file(
        "transactions", files.csv("t.csv", rows, TX_HEADER), now=at(date(2024, 4, 17))
    )
    assert result.ok
    written = Checkpoint.objects.get()
    assert written.as_at == date(2024, 4, 14)
    assert written.first_id_after == Transaction.objects.get(source_ref="C1").pk
    balance = AccountCheckpoint.objects.get(checkpoint=written).balance
    assert balance == 2 * 10_000  # C0 and C2 (tx_row's £100.00 each), not C1


def test_a_load_into_a_ledger_with_rows_reads_the_ledger(tenancies, files, monkeypatch):
    import_file("transactions", files.csv("a.csv", [tx_row("C0")], TX_HEADER))
    made: list[FirstLoadCheckpoint] = []
    real = FirstLoadCheckpoint.__init__

    def spy(self, as_at):
        real(self, as_at)
        made.append(self)

    monkeypatch.setattr(FirstLoadCheckpoint, "__init__", spy)
    import_file("transactions", files.csv("b.csv", [tx_row("C1")], TX_HEADER))
    assert made == []  # not a first load
    latest = Checkpoint.objects.order_by("-id").first()
    assert latest.through_id == Transaction.objects.get(source_ref="C1").pk


def test_a_checkpoint_that_holds_rows_is_not_replaced(tenancies, files, no_sql_refresh):
    # As if the ledger had held rows before the load: the sums are not the whole story.
    import_file("transactions", files.csv("a.csv", [tx_row("C0")], TX_HEADER))
    refresh_checkpoints(checkpoint_date(date.today()))
    before = list(Checkpoint.objects.values_list("pk", "through_id"))
    load = FirstLoadCheckpoint(checkpoint_date(date.today()))
    assert load.write(ids_frame(), Transaction.objects.get().pk) is None
    assert list(Checkpoint.objects.values_list("pk", "through_id")) == before


def ids_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={"source_ref": pl.String, "id": pl.Int64})
