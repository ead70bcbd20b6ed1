"""Importing ledger transactions: posted once, every bad row named, nothing half done."""

from __future__ import annotations

import csv

import pytest
from django.db.models import Sum

from rentbook.audit.models import AuditEvent
from rentbook.imports.models import ImportBatch
from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction

from .conftest import TX_HEADER, tx_row

pytestmark = pytest.mark.django_db


def problems_of(result):
    return [(p.line, p.column, p.reason) for p in result.problems]


def test_good_rows_are_posted_with_the_batch_and_source(tenancies, files):
    rows = [
        tx_row("C1", amount="100.00"),
        tx_row("P1", kind="payment", amount="-£1,000.50", method="standing_order"),
        tx_row("A1", tenancy="T2", kind="adjustment", amount="(2.5)"),
    ]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER), source="hms")
    assert result.ok
    assert (result.rows_read, result.rows_posted, result.rows_rejected) == (3, 3, 0)
    amounts = dict(Transaction.objects.values_list("source_ref", "amount"))
    assert amounts == {"C1": 10000, "P1": -100050, "A1": -250}
    assert set(Transaction.objects.values_list("source", "batch_id")) == {("hms", result.batch_id)}
    charge = Transaction.objects.get(source_ref="C1")
    assert charge.charge_code == "rent"  # the default for a charge
    assert charge.account.reference == "T1"


def test_importing_the_same_file_again_posts_nothing(tenancies, files):
    path = files.csv("t.csv", [tx_row("C1"), tx_row("C2")], TX_HEADER)
    first = import_file("transactions", path)
    again = import_file("transactions", path)
    assert (first.rows_posted, first.rows_present) == (2, 0)
    assert (again.rows_posted, again.rows_present, again.rows_rejected) == (0, 2, 0)
    assert again.ok
    assert Transaction.objects.count() == 2


def test_an_overlapping_file_posts_only_the_new_rows(tenancies, files):
    import_file("transactions", files.csv("a.csv", [tx_row("C1"), tx_row("C2")], TX_HEADER))
    result = import_file(
        "transactions", files.csv("b.csv", [tx_row("C2"), tx_row("C3")], TX_HEADER)
    )
    assert (result.rows_posted, result.rows_present) == (1, 1)
    assert Transaction.objects.count() == 3


def test_the_same_reference_from_two_sources_is_two_records(tenancies, files):
    path = files.csv("t.csv", [tx_row("C1")], TX_HEADER)
    import_file("transactions", path, source="one")
    import_file("transactions", path, source="two")
    assert Transaction.objects.filter(source_ref="C1").count() == 2


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"posted_on": "2024-02-30"}, "posted_on", "'2024-02-30' is not a real date"),
        ({"posted_on": "1st April"}, "posted_on", "is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
        ({"posted_on": ""}, "posted_on", "a value is required"),
        ({"amount": "12.3.4"}, "amount", "'12.3.4' is not an amount of money"),
        ({"amount": "12.345"}, "amount", "'12.345' has more than two decimal places"),
        ({"amount": "twelve"}, "amount", "is not an amount of money"),
        ({"amount": "-10.00"}, "amount", "the amount of a charge must be more than zero"),
        ({"tenancy_ref": "T999"}, "tenancy_ref", "no tenancy 'T999'"),
        ({"kind": "gift"}, "kind", "'gift' is not a known kind"),
        ({"method": "barter"}, "method", "'barter' is not a known payment method"),
        ({"period_start": "2024-04-08", "period_end": "2024-04-01"}, "period_end", "ends before"),
        ({"reverses": "C0"}, "reverses", "only a reversal names an entry it reverses"),
        ({"description": "x" * 101}, "description", "longer than 100 characters"),
        ({"transaction_ref": ""}, "transaction_ref", "a value is required"),
    ],
)
def test_each_bad_value_is_rejected_with_its_line_column_and_reason(
    tenancies, files, changes, column, reason
):
    rows = [tx_row("OK1"), tx_row("BAD", **changes), tx_row("OK2")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert not result.ok
    assert result.rows_rejected == 1
    assert result.rows_posted == 2
    [(line, col, why)] = problems_of(result)
    assert (line, col) == (3, column)
    assert reason in why
    assert set(Transaction.objects.values_list("source_ref", flat=True)) == {"OK1", "OK2"}


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("payment", "10.00"), ("refund", "-1.00"), ("write_off", "5"), ("adjustment", "0.00")],
)
def test_a_wrong_sign_for_the_kind_is_rejected(tenancies, files, kind, amount):
    path = files.csv("t.csv", [tx_row("X", kind=kind, amount=amount)], TX_HEADER)
    result = import_file("transactions", path)
    [(_, column, reason)] = problems_of(result)
    assert column == "amount"
    assert reason.startswith(f"the amount of a {kind.replace('_', '-')} must be")


def test_a_payment_without_a_method_is_rejected(tenancies, files):
    path = files.csv("t.csv", [tx_row("P", kind="payment", amount="-5", method="")], TX_HEADER)
    assert problems_of(import_file("transactions", path)) == [(2, "method", "a value is required")]


def test_a_duplicate_reference_in_the_file_is_rejected_naming_the_first_line(tenancies, files):
    rows = [tx_row("C1"), tx_row("C2"), tx_row("C1", amount="5.00"), tx_row("C1")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert problems_of(result) == [
        (4, "transaction_ref", "a duplicate of line 2"),
        (5, "transaction_ref", "a duplicate of line 2"),
    ]
    assert Transaction.objects.get(source_ref="C1").amount == 10000


def test_a_duplicate_in_a_later_batch_is_caught_too(tenancies, files):
    rows = [tx_row(f"C{i}") for i in range(7)] + [tx_row("C2")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER), batch_rows=3)
    assert problems_of(result) == [(9, "transaction_ref", "a duplicate of line 4")]
    assert (result.rows_posted, result.rows_present) == (7, 0)


def test_a_reference_already_imported_is_already_present_not_an_error(tenancies, files):
    import_file("transactions", files.csv("a.csv", [tx_row("C1")], TX_HEADER))
    result = import_file(
        "transactions", files.csv("b.csv", [tx_row("C1"), tx_row("C9")], TX_HEADER), batch_rows=1
    )
    assert result.ok
    assert (result.rows_posted, result.rows_present) == (1, 1)


def test_a_reversal_restores_the_balance(tenancies, files):
    rows = [
        tx_row("C1", amount="100.00"),
        tx_row("P1", kind="payment", amount="-60.00"),
        tx_row("R1", kind="reversal", amount="60.00", reverses="P1"),
    ]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert result.ok
    assert Transaction.objects.aggregate(s=Sum("amount"))["s"] == 10000


def test_a_reversal_may_come_before_the_entry_it_reverses_or_in_an_earlier_file(tenancies, files):
    import_file("transactions", files.csv("a.csv", [tx_row("C0", amount="1.00")], TX_HEADER))
    rows = [
        tx_row("R1", kind="reversal", amount="-2.00", reverses="C2"),
        tx_row("R0", kind="reversal", amount="-1.00", reverses="C0"),
        tx_row("C2", amount="2.00"),
    ]
    result = import_file("transactions", files.csv("b.csv", rows, TX_HEADER), batch_rows=1)
    assert result.ok, result.problems
    assert result.rows_posted == 3


@pytest.mark.parametrize(
    ("reversal", "reason"),
    [
        (
            {"amount": "-50.00", "reverses": "C1"},
            "the amount must be the exact opposite of the reversed entry's (10000p)",
        ),
        ({"amount": "-100.00", "reverses": "NOPE"}, "reverses 'NOPE', which is not a known entry"),
        (
            {"amount": "-100.00", "reverses": "C1", "tenancy_ref": "T2"},
            "reverses 'C1', an entry on another account",
        ),
        ({"amount": "-100.00", "reverses": ""}, "a value is required"),
    ],
)
def test_a_bad_reversal_is_rejected(tenancies, files, reversal, reason):
    rows = [tx_row("C1"), tx_row("R1", kind="reversal", **reversal)]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    [(line, column, why)] = problems_of(result)
    assert (line, column, why) == (3, "reverses", reason)
    assert not Transaction.objects.filter(source_ref="R1").exists()


def test_a_reversal_of_a_rejected_entry_names_no_known_entry(tenancies, files):
    rows = [
        tx_row("C1", amount="bad"),
        tx_row("R1", kind="reversal", amount="-1.00", reverses="C1"),
    ]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert [p[:2] for p in problems_of(result)] == [(2, "amount"), (3, "reverses")]


def test_a_dry_run_posts_nothing_but_reports_what_would_happen(tenancies, files):
    rows = [tx_row("C1"), tx_row("C2", amount="x")]
    result = import_file("transactions", files.csv("t.csv", rows, TX_HEADER), dry_run=True)
    assert (result.rows_posted, result.rows_rejected) == (1, 1)
    assert Transaction.objects.count() == 0
    assert ImportBatch.objects.get(pk=result.batch_id).status == ImportBatch.Status.DRY_RUN


def test_rejected_rows_are_written_as_they_were_with_line_column_and_reason(tenancies, files):
    rows = [tx_row("C1"), tx_row("C2", amount=" 12.3.4 ", posted_on="2024-13-01")]
    path = files.csv("t.csv", rows, TX_HEADER)
    result = import_file("transactions", path)
    assert result.rejects_path == path.with_name("t.csv.rejects.csv")
    with result.rejects_path.open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert len(written) == 1
    assert written[0]["transaction_ref"] == "C2"
    assert written[0]["amount"] == " 12.3.4 "
    assert written[0]["line"] == "3"
    assert written[0]["column"] == "posted_on; amount"
    assert "'2024-13-01' is not a real date" in written[0]["reason"]


def test_each_import_is_a_batch_with_counts_hash_and_one_audit_event(tenancies, files):
    path = files.csv("t.csv", [tx_row("C1"), tx_row("C2", amount="?")], TX_HEADER)
    result = import_file("transactions", path)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == ImportBatch.Status.POSTED
    assert (batch.rows_read, batch.rows_posted, batch.rows_rejected) == (2, 1, 1)
    assert len(batch.sha256) == 64
    events = AuditEvent.objects.filter(object_type="imports.ImportBatch", object_id=str(batch.pk))
    assert [e.action for e in events] == ["import"]
    assert events[0].after["rows_posted"] == 1
    # Posting transactions in bulk writes no event per transaction.
    assert not AuditEvent.objects.filter(object_type="ledger.Transaction").exists()


def test_an_import_folds_its_rows_into_the_ledger_summary(tenancies, files):
    from rentbook.ledger.models import AccountTotal, LedgerSummary

    rows = [tx_row("C1", amount="100.00"), tx_row("C2", amount="20.00")]
    import_file("transactions", files.csv("t.csv", rows, TX_HEADER))
    assert LedgerSummary.objects.get().through_id == Transaction.objects.order_by("-id")[0].pk
    assert AccountTotal.objects.get(account__reference="T1").balance == 12_000


def test_a_reversal_takes_the_method_of_the_money_it_reverses(tenancies, files):
    # a returned direct debit is told apart from a corrected charge by its method (the
    # indicators count it against rent collected), whatever method the file gave
    import_file("transactions", files.csv("a.csv", [tx_row("P0", kind="payment",
        amount="-5.00", method="direct_debit")], TX_HEADER))  # fmt: skip
    rows = [
        tx_row("C1", amount="100.00"),
        tx_row("P1", kind="payment", amount="-60.00", method="allpay"),
        tx_row("R1", kind="reversal", amount="60.00", reverses="P1"),
        tx_row("R0", kind="reversal", amount="5.00", reverses="P0"),
        tx_row("RC", kind="reversal", amount="-100.00", reverses="C1", method="card"),
        tx_row("RR", kind="reversal", amount="-60.00", reverses="R1"),
        tx_row("F1", kind="refund", amount="7.00", method="cheque"),
        tx_row("RF", kind="reversal", amount="-7.00", reverses="F1"),
    ]
    result = import_file("transactions", files.csv("b.csv", rows, TX_HEADER), batch_rows=2)
    assert result.ok, result.problems
    methods = dict(Transaction.objects.filter(kind="reversal").values_list("source_ref", "method"))
    assert methods == {
        "R1": "allpay", "R0": "direct_debit", "RC": "", "RR": "allpay", "RF": "cheque",
    }  # fmt: skip
