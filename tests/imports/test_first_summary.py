"""A first load writes the ledger summary it summed while posting, and it equals the summary
folded from the ledger by SQL."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import polars as pl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentbook.imports import services
from rentbook.imports.first_summary import FirstLoadSummary
from rentbook.imports.models import ImportBatch
from rentbook.imports.reading import LINE
from rentbook.imports.services import import_file
from rentbook.ledger import summary
from rentbook.ledger.models import (
    AccountCredit,
    AccountMonth,
    AccountTotal,
    LedgerSummary,
    Transaction,
)
from rentbook.money import format_plain, parse_pounds

from .conftest import TX_HEADER, tx_row, write_csv

TABLES = {
    AccountMonth._meta.db_table: "account_id, month, first_on, last_on, charge, payment, benefit,"
    " adjustment, reversal, refund, write_off, write_on, court_costs, recharge",
    AccountTotal._meta.db_table: "account_id, balance",
    AccountCredit._meta.db_table: "account_id, method, txn_id, posted_on, amount, period_start,"
    " period_end, charged",
}
METHODS = ["housing_benefit", "universal_credit", "direct_debit", "dhp", "card", "cash"]
_names = itertools.count()


def summary_now() -> tuple[int, dict[str, list[tuple]]]:
    rows = {}
    with connection.cursor() as cur:
        for table, cols in TABLES.items():
            cur.execute(f"SELECT {cols} FROM {table} ORDER BY 1, 2")
            rows[table] = [tuple(str(v) for v in r) for r in cur.fetchall()]
    state = LedgerSummary.objects.filter(pk=1).first()
    return (state.through_id if state else 0), rows


def rebuilt() -> tuple[int, dict[str, list[tuple]]]:
    summary.refresh(rebuild=True)
    return summary_now()


def empty_ledger() -> None:
    # the batches too: a ledger never loses a row, so a batch whose rows are gone would make
    # the same file again look already imported (imports.services._already_imported)
    for model in (AccountMonth, AccountTotal, AccountCredit, LedgerSummary, Transaction):
        model.objects.all().delete()
    ImportBatch.objects.all().delete()


@pytest.fixture
def no_sql_refresh(monkeypatch):
    """Leave the summary as the import itself wrote it."""
    monkeypatch.setattr(services, "refresh_summary", lambda: None)


@st.composite
def ledger_rows(draw):
    start = date(2024, 3, 25)  # a Monday; the rows cross rent-month and year edges
    n = draw(st.integers(1, 30))
    rows = []
    for i in range(n):
        kind = draw(st.sampled_from(["charge", "payment", "payment", "adjustment", "write_off"]))
        posted = start + timedelta(days=draw(st.integers(0, 120)))
        pence = draw(st.integers(1, 100_000))
        more = {"posted_on": posted.isoformat()}
        if kind == "payment":
            more["method"] = draw(st.sampled_from(METHODS))
            pence = -pence
            if draw(st.booleans()):
                more["period_start"] = (posted - timedelta(days=27)).isoformat()
                more["period_end"] = posted.isoformat()
        elif kind == "write_off":
            pence = -pence
        elif kind == "adjustment":
            pence = draw(st.sampled_from([1, -1])) * pence
        tenancy = draw(st.sampled_from(["T1", "T2"]))
        rows.append(tx_row(f"R{i}", tenancy=tenancy, kind=kind, amount=format_plain(pence), **more))
    for j, target in enumerate(draw(st.sets(st.integers(0, n - 1), max_size=3))):
        t = rows[target]
        rows.append(
            tx_row(
                f"V{j}",
                tenancy=t["tenancy_ref"],
                kind="reversal",
                amount=format_plain(-parse_pounds(t["amount"])),
                reverses=t["transaction_ref"],
                posted_on=t["posted_on"],
            )
        )
    return draw(st.permutations(rows))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=ledger_rows(), batch_rows=st.integers(1, 12))
def test_a_first_load_writes_the_summary_the_ledger_folds_to(
    tenancies, tmp_path, no_sql_refresh, rows, batch_rows
):
    empty_ledger()
    path = write_csv(tmp_path / f"t{next(_names)}.csv", rows, TX_HEADER)
    result = import_file("transactions", path, batch_rows=batch_rows)
    assert result.ok, result.problems
    written = summary_now()
    high = Transaction.objects.order_by("-id").values_list("id", flat=True).first()
    assert written[0] == high
    assert written == rebuilt()


def test_a_reference_repeated_across_batches_of_a_first_load_is_summed_once(tenancies, files):
    # (on PostgreSQL the repeat undoes the first load and the import runs the ordinary way)
    rows = [tx_row(f"C{i}", amount=f"{i + 1}.00") for i in range(4)] + [tx_row("C1")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER), batch_rows=2)
    assert result.rows_posted == 4
    written = summary_now()
    assert written[0] > 0
    assert written == rebuilt()


def test_a_load_into_a_ledger_with_rows_is_folded_by_the_refresh(tenancies, files, monkeypatch):
    import_file("transactions", files.csv("a.csv", [tx_row("C0")], TX_HEADER))
    sums: list[FirstLoadSummary] = []
    real = FirstLoadSummary.__init__

    def spy(self):
        real(self)
        sums.append(self)

    monkeypatch.setattr(FirstLoadSummary, "__init__", spy)
    rows = [tx_row("C1", kind="payment", amount="-40.00", method="housing_benefit")]
    import_file("transactions", files.csv("b.csv", rows, TX_HEADER))
    assert sums == []  # not a first load: the SQL refresh folded it
    assert summary_now() == rebuilt()


def test_sums_that_are_not_the_whole_ledger_are_not_written(tenancies, files, no_sql_refresh):
    # Two rows in the ledger (as if one were posted beside the load), one summed: the sums
    # are refused, and the import's SQL refresh would fold the ledger instead.
    import_file("transactions", files.csv("a.csv", [tx_row("C0"), tx_row("C1")], TX_HEADER))
    for model in (AccountMonth, AccountTotal, AccountCredit, LedgerSummary):
        model.objects.all().delete()
    one = Transaction.objects.filter(source_ref="C1").values(
        "account_id", "posted_on", "kind", "method", "amount", "period_start", "period_end"
    )[0]
    load = FirstLoadSummary()
    load.add(pl.DataFrame([{**one, "source_ref": "C1", LINE: 3}]))
    assert load.write("import") is False
    assert not AccountMonth.objects.exists()
    assert LedgerSummary.objects.get(pk=1).through_id == 0
