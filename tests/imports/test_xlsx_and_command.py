"""XLSX files, and the command's summary and exit code."""

from __future__ import annotations

import datetime

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from rentbook.imports.services import import_file
from rentbook.ledger.models import Transaction

from .conftest import TX_HEADER, tx_row

pytestmark = pytest.mark.django_db


def write_xlsx(path, header, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    instant = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(r, c, value, instant)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date)
            elif value is not None:
                sheet.write(r, c, value)
    book.add_worksheet("ignored").write_row(0, 0, ["nothing"])
    book.close()
    return path


def test_an_xlsx_file_imports_like_csv_with_excel_dates_and_numbers(tenancies, tmp_path):
    header = ["Transaction_Ref", "tenancy_ref", "posted_on", "kind", "amount", "method"]
    rows = [
        ["X1", "T1", datetime.date(2024, 4, 1), "charge", 95.5, None],
        ["X2", "T1", "08/04/2024", "payment", -1234.56, "card"],
        [None] * 6,
        ["X3", "T1", datetime.date(2024, 4, 8), "charge", "12.3.4", None],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", header, rows)
    result = import_file("transactions", path)
    assert (result.rows_posted, result.rows_rejected) == (2, 1)
    assert result.problems[0].line == 5  # the spreadsheet row, blank rows counted
    posted = dict(Transaction.objects.values_list("source_ref", "amount"))
    assert posted == {"X1": 9550, "X2": -123456}
    assert str(Transaction.objects.get(source_ref="X1").posted_on) == "2024-04-01"


def test_an_xlsx_with_only_a_header_is_refused(tenancies, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", TX_HEADER, [])
    assert "no rows" in import_file("transactions", path).file_errors[0]


def test_the_command_prints_a_summary_and_exits_zero_when_all_is_well(tenancies, files, capsys):
    path = files.csv("t.csv", [tx_row("C1")], TX_HEADER)
    call_command("import", "transactions", str(path))
    out = capsys.readouterr().out
    assert "1 rows read, 1 posted, 0 already present, 0 rejected" in out


def test_the_command_names_each_problem_and_exits_non_zero(tenancies, files, capsys, tmp_path):
    path = files.csv("t.csv", [tx_row("C1"), tx_row("C2", amount="12.3.4")], TX_HEADER)
    rejects = tmp_path / "out" / "r.csv"
    rejects.parent.mkdir()
    with pytest.raises(CommandError) as failed:
        call_command("import", "transactions", str(path), "--rejects", str(rejects))
    assert failed.value.returncode == 1
    assert "2 rows read, 1 posted, 0 already present, 1 rejected" in str(failed.value)
    err = capsys.readouterr().err
    assert "line 3, amount: '12.3.4' is not an amount of money in pounds and pence" in err
    assert rejects.exists()


def test_the_command_refuses_a_bad_file_with_a_message_not_a_traceback(tenancies, files):
    path = files.raw("junk.csv", b"\x00\x01\x02binary")
    with pytest.raises(CommandError, match=r"File refused, nothing posted: .*binary data"):
        call_command("import", "transactions", str(path))


def test_the_command_dry_run_and_source_options(tenancies, files, capsys):
    path = files.csv("t.csv", [tx_row("C1")], TX_HEADER)
    call_command("import", "transactions", str(path), "--dry-run", "--source", "hms")
    assert "Dry run, nothing posted" in capsys.readouterr().out
    assert Transaction.objects.count() == 0
    call_command("import", "transactions", str(path), "--source", "hms")
    assert Transaction.objects.get().source == "hms"


def test_case_state_kinds_import_from_xlsx_with_excel_dates_times_and_numbers(tenancies, tmp_path):
    from rentbook.arrangements.models import Arrangement
    from rentbook.cases.models import DiaryEntry, Flag

    diary = write_xlsx(
        tmp_path / "diary.xlsx",
        ["diary_ref", "tenancy_ref", "at", "code", "officer"],
        [
            ["D1", "T1", datetime.datetime(2025, 5, 1, 9, 30), "S01", "A. Okafor"],
            ["D2", "T1", "02/05/2025 14:05", "GAT", None],
        ],
    )
    result = import_file("diary", diary, options={"codes": "hackney"})
    assert result.ok and result.rows_posted == 2, result.problems
    first = DiaryEntry.objects.get(import_ref="D1")
    assert first.code == "IC1" and first.source_code == "S01"
    assert first.at.astimezone(datetime.UTC) == datetime.datetime(
        2025, 5, 1, 8, 30, tzinfo=datetime.UTC
    )
    flags = write_xlsx(
        tmp_path / "flags.xlsx",
        ["flag_ref", "tenancy_ref", "type", "starts_on", "ends_on"],
        [["F1", "T1", "breathing_space", datetime.date(2025, 6, 1), datetime.date(2025, 7, 30)]],
    )
    assert import_file("flags", flags).ok
    assert Flag.objects.get().ends_on == datetime.date(2025, 7, 30)
    arrangements = write_xlsx(
        tmp_path / "arrangements.xlsx",
        [
            *("arrangement_ref", "tenancy_ref", "type", "frequency", "weekday", "instalment"),
            *("start", "payment_method", "starting_balance"),
        ],
        [
            [
                "A1",
                "T1",
                "informal",
                "weekly",
                "monday",
                12.5,
                datetime.date(2025, 5, 5),
                "card",
                400,
            ]
        ],
    )
    assert import_file("arrangements", arrangements).ok
    a = Arrangement.objects.get()
    assert (a.instalment, a.starting_balance, a.weekday) == (1250, 40000, 0)
