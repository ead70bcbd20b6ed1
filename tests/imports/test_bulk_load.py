"""A first load into an empty ledger drops the secondary indexes and builds them again."""

from __future__ import annotations

import pytest
from django.db import connection

from rentbook.imports import loaders, transactions
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction

from .conftest import TX_HEADER, tx_row

TABLE = Transaction._meta.db_table


def secondary_indexes() -> set[str]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, TABLE)
    return {
        name
        for name, c in found.items()
        if (c["index"] or c["unique"]) and not c["primary_key"] and not c["foreign_key"]
    }


@pytest.fixture
def rebuilds(monkeypatch) -> list[list[str]]:
    """What each loader had to rebuild when it finished."""
    seen: list[list[str]] = []
    for cls in (loaders.PostgresLoader, loaders.SqliteLoader):
        real = cls.finish

        def spy(self, real=real):
            seen.append(list(self.rebuild))
            return real(self)

        monkeypatch.setattr(cls, "finish", spy)
    return seen


def test_a_first_load_ends_with_every_index_rebuilt(tenancies, files, rebuilds):
    before = secondary_indexes()
    rows = [tx_row(f"C{i}") for i in range(5)]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert result.ok and result.rows_posted == 5
    assert secondary_indexes() == before
    # the load really ran without them, the unique index on references too
    rebuilt = " ".join(" ".join(stmts) for stmts in rebuilds)
    assert "transaction_account_date" in rebuilt
    assert "transaction_source_ref" in rebuilt


def test_a_load_into_a_ledger_with_rows_keeps_its_indexes(tenancies, files, rebuilds):
    import_file("transactions", files.csv("a.csv", [tx_row("C0")], TX_HEADER))
    rebuilds.clear()
    result = import_file("transactions", files.csv("b.csv", [tx_row("C1")], TX_HEADER))
    assert result.rows_posted == 1
    assert rebuilds and all(stmts == [] for stmts in rebuilds)


def test_an_interrupted_first_load_leaves_nothing_and_the_indexes_in_place(
    tenancies, files, monkeypatch
):
    before = secondary_indexes()
    calls = 0
    real_post = transactions._post

    def failing_post(out, good, run):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the machine went away")
        return real_post(out, good, run)

    monkeypatch.setattr(transactions, "_post", failing_post)
    rows = [tx_row(f"C{i}") for i in range(6)]
    with pytest.raises(RuntimeError):
        import_file("transactions", files.csv("t.csv", rows, TX_HEADER), batch_rows=2)
    assert Transaction.objects.count() == 0
    assert secondary_indexes() == before


def test_a_reference_repeated_across_batches_of_a_first_load_is_named(tenancies, files):
    # The rebuilt unique index finds it; the import is then run again the ordinary way, so
    # the report is the same as for any other import.
    rows = [tx_row(f"C{i}") for i in range(4)] + [tx_row("C1")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER), batch_rows=2)
    assert [(p.line, p.column, p.reason) for p in result.problems] == [
        (6, "transaction_ref", "a duplicate of line 3")
    ]
    assert result.rows_posted == 4
    assert Transaction.objects.filter(source_ref="C1").count() == 1
    assert secondary_indexes() >= {"transaction_account_date"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner statistics")
def test_a_first_load_leaves_the_planner_statistics_of_what_it_loaded(tenancies, files):
    rows = [tx_row(f"C{i}") for i in range(5)]
    import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [TABLE])
        assert cur.fetchone()[0] > 0
