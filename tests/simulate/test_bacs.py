"""The simulator writes the Direct Debit side a landlord receives: mandates for its Direct
Debit payers and ARUDD reports (Bacs XML) of the last week's returns, in place of those
returns' rows. Through the door the ledger ends where the rows alone would have put it, and
the day's run calls the tenants whose Direct Debit came back."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from django.db.models import Sum

from rentbook.banking.models import Mandate, ReturnedDebit
from rentbook.engine.models import Recommendation
from rentbook.engine.services import run_arrears
from rentbook.imports.services import import_file
from rentbook.imports.sync import plan
from rentbook.ledger.calendar import RentFreeRule
from rentbook.ledger.models import Transaction
from rentbook.simulate.bacs import REPORTED_DAYS
from rentbook.simulate.run import simulate

END = date(2026, 11, 29)


@pytest.fixture
def files(tmp_path):
    simulate(tenancies=1000, years=1, seed=11, out=tmp_path, end=END,
             rule=RentFreeRule.parse(""), cases=False)  # fmt: skip
    return tmp_path


def test_the_last_weeks_returns_come_as_arudd_reports_not_rows(files):
    tx = pl.read_csv(files / "transactions.csv", infer_schema=False)
    returns = tx.filter(pl.col("description") == "Direct debit returned unpaid")
    last = returns.get_column("posted_on").max()
    assert last <= (END - timedelta(days=REPORTED_DAYS)).isoformat()
    reports = sorted(files.glob("bacs_arudd-*.xml"))
    assert reports, "a landlord of 1,000 tenancies has Direct Debits returned in a fortnight"
    mandates = pl.read_csv(files / "mandates.csv", infer_schema=False)
    tenancies = pl.read_csv(files / "tenancies.csv", infer_schema=False)
    dd = tenancies.filter(pl.col("payment_method") == "direct_debit").get_column("tenancy_ref")
    assert set(mandates.get_column("tenancy_ref")) <= set(dd)


@pytest.mark.django_db
def test_through_the_door_the_returns_are_reversed_and_the_run_calls(files, tmp_path):
    for kind, path in plan(files):
        result = import_file(kind, path, source="sim")
        assert result.ok and not result.problems, (kind, result.problems[:3], result.file_errors)
    returned = ReturnedDebit.objects.all()
    assert returned.count() > 0 and Mandate.objects.count() > 0
    # every return found its collection on the ledger and reversed it
    assert not returned.filter(reversal_ref="").exists()
    back = Transaction.objects.filter(source="bacs", kind="reversal").aggregate(s=Sum("amount"))
    assert back["s"] == sum(r.amount for r in returned)
    # (the whole ledger against the rows and every file: test_money_in.py)
    run = run_arrears(END, "hackney")
    called = Recommendation.objects.filter(run=run, action="call_returned_direct_debit")
    held = {r.account_id for r in returned}
    assert called.exists() and {r.account_id for r in called} <= held
