"""A file in its sender's own columns (an Allpay or PayPoint file as the contract specifies it)
imports through a layout: the layout names the file's column for each of rentbook's and gives
the ones the file lacks; the file's other columns are named as not read. A layout that does
not fit its kind, or a file that does not fit its layout, is refused with the reason and
nothing is posted."""

from __future__ import annotations

import csv
from datetime import date

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rentbook.banking.models import ChannelPayment
from rentbook.banking.references import payment_reference
from rentbook.imports.services import ImportRefused, import_file
from rentbook.ledger.models import Transaction
from tests.factories import make_account

pytestmark = pytest.mark.django_db

ALLPAY = """\
# Allpay's daily payments file, as our contract's specification gives it
kind = "cash_payments"

[columns]
payment_ref = "Transaction ID"
reference = "Client Ref"
amount = "Amount Paid"
paid_at = "Payment Date"
outlet = " outlet name "

[values]
channel = "allpay"
"""


def allpay_file(path, rows):
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Transaction ID", "Client Ref", "Card Number", "Amount Paid", "Payment Date",
                    "Outlet Name"])  # fmt: skip
        w.writerows(rows)
    return path


@pytest.fixture
def day(tmp_path):
    a = make_account(start=date(2024, 4, 1))
    layout = tmp_path / "allpay.toml"
    layout.write_text(ALLPAY)
    rows = [
        ["AP-1", payment_reference(a.reference), "9826010000001234", "25.00", "2026-12-04 09:15",
         "SPAR HIGH ST"],
        ["AP-2", "NOBODY1", "9826010000005678", "10.00", "2026-12-04 10:00", "POST OFFICE"],
    ]  # fmt: skip
    return a, layout, allpay_file(tmp_path / "allpay-2026-12-04.csv", rows)


def test_a_file_in_its_own_columns_imports_through_its_layout(day):
    a, layout, path = day
    result = import_file("cash_payments", path, source="allpay", layout=layout)
    assert result.ok and not result.problems, (result.problems, result.file_errors)
    t = Transaction.objects.get(source="allpay")
    assert (t.account_id, t.amount, t.method, t.source_ref) == (a.pk, -2_500, "allpay", "AP-1")
    held = ChannelPayment.objects.get(status="suspense")
    assert (held.import_ref, held.channel, held.outlet) == ("AP-2", "allpay", "POST OFFICE")
    assert any("not read" in n and "Card Number" in n for n in result.notes), result.notes
    again = import_file("cash_payments", path, source="allpay", layout=layout)
    assert (again.rows_posted, again.rows_updated) == (0, 0)


def test_the_same_layout_reads_the_file_as_xlsx(day, tmp_path):
    a, layout, path = day
    xlsx = tmp_path / "allpay.xlsx"
    pl.read_csv(path, infer_schema=False).write_excel(xlsx)
    result = import_file("cash_payments", xlsx, source="allpay", layout=layout)
    assert result.ok and not result.problems, (result.problems, result.file_errors)
    assert Transaction.objects.get(source="allpay").account_id == a.pk


def test_without_the_layout_the_file_is_refused_naming_its_columns(day):
    _, _, path = day
    result = import_file("cash_payments", path, source="allpay")
    assert not result.ok
    assert "unknown column(s): transaction id" in result.file_errors[0]


@pytest.mark.parametrize(
    "change, says",
    [
        (('kind = "cash_payments"', 'kind = "diary"'), "not 'cash_payments'"),
        (('outlet = " outlet name "', 'shop = "Outlet Name"'), "shop: cash_payments has no"),
        (('channel = "allpay"', ""), "gives no column for: channel"),
        (('outlet = " outlet name "', 'outlet = "Client Ref"'), "the same heading"),
        (('channel = "allpay"', 'amount = "1.00"'), "both read and given: amount"),
        (("[values]", "[values\n"), "not valid TOML"),
    ],
    ids=[
        "another kind",
        "unknown column",
        "a required column missing",
        "a heading twice",
        "read and given",
        "broken TOML",
    ],
)
def test_a_layout_that_does_not_fit_is_refused_and_nothing_is_posted(day, tmp_path, change, says):
    _, layout, path = day
    layout.write_text(ALLPAY.replace(*change))
    try:
        result = import_file("cash_payments", path, source="allpay", layout=layout)
    except ImportRefused as e:
        message = str(e)
    else:
        assert not result.ok
        message = " ".join(result.file_errors)
    assert says in message, message
    assert not ChannelPayment.objects.exists()


def test_a_file_lacking_a_column_its_layout_names_is_refused(day, tmp_path):
    _, layout, _ = day
    short = tmp_path / "short.csv"
    short.write_text("Transaction ID,Client Ref,Amount Paid\nAP-9,X,1.00\n")
    result = import_file("cash_payments", short, source="allpay", layout=layout)
    assert not result.ok
    assert "no column 'payment date' (for paid_at)" in result.file_errors[0]
    assert not ChannelPayment.objects.exists()


def test_an_xml_kind_takes_no_layout(day, tmp_path):
    _, layout, path = day
    with pytest.raises(ImportRefused, match="a layout is for CSV and XLSX"):
        import_file("bacs_arudd", path, layout=layout)


def test_sync_reads_each_kinds_files_through_its_layout(day, tmp_path, capsys):
    a, layout, path = day
    directory = tmp_path / "today"
    directory.mkdir()
    (directory / "cash_payments-allpay.csv").write_bytes(path.read_bytes())
    call_command("sync", str(directory), "--source", "allpay", "--layout", str(layout))
    assert Transaction.objects.get(source="allpay").account_id == a.pk
    other = tmp_path / "again.toml"
    other.write_text(ALLPAY)
    with pytest.raises(CommandError, match="two layouts for cash_payments"):
        call_command("sync", str(directory), "--layout", str(layout), "--layout", str(other))


def test_a_nights_payment_files_fold_into_the_ledger_summary_once(day, tmp_path, monkeypatch):
    from rentbook.imports import services
    from rentbook.ledger.models import LedgerSummary
    from rentbook.ledger.summary import refresh

    a, layout, path = day
    directory = tmp_path / "night"
    directory.mkdir()
    (directory / "cash_payments-1.csv").write_bytes(path.read_bytes())
    row = ["AP-3", payment_reference(a.reference), "", "12.00", "2026-12-05 09:00", "SPAR"]
    allpay_file(directory / "cash_payments-2.csv", [row])
    folds = []
    monkeypatch.setattr(services, "refresh_summary", lambda: folds.append(1) or refresh())
    call_command("sync", str(directory), "--source", "allpay", "--layout", str(layout))
    assert len(folds) == 1  # two files that post, one fold
    assert LedgerSummary.objects.get().through_id == Transaction.objects.order_by("-id")[0].id
    # a file imported on its own folds at once
    (tmp_path / "one.csv").write_text(
        "payment_ref,reference,amount,paid_at,channel\n"
        f"PP-2,{payment_reference(a.reference)},13.00,2026-12-04 12:00,paypoint\n"
    )
    import_file("cash_payments", tmp_path / "one.csv", source="paypoint")
    assert len(folds) == 2
