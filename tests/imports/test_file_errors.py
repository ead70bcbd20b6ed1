"""Files that cannot be imported at all: named clearly, nothing posted, never a traceback."""

from __future__ import annotations

import pytest

from rentbook.imports.models import ImportBatch
from rentbook.imports.services import ImportRefused, import_file
from rentbook.ledger.models import Transaction

from .conftest import TX_HEADER, tx_row

pytestmark = pytest.mark.django_db

HEADER = ",".join(TX_HEADER).encode()
GOOD = b"C1,T1,2024-04-01,charge,10.00,,,,,,"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (HEADER + b"\n", "the file has a header but no rows"),
        (HEADER + b"\n" + GOOD + b"\nC2,T1,2024-04-01,charge,10.00,,,,,,caf\xe9\n", "not UTF-8"),
        ("\ufeff".encode() + HEADER.replace(b"posted_on", b"\xff\xfe") + b"\n", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV or XLSX"),
        (b"PK\x03\x04 this is no spreadsheet", "could not be read as XLSX"),
        (HEADER.replace(b",description", b"") + b"\n" + GOOD[:-1] + b"\n", None),
        (HEADER + b",colour\n" + GOOD + b",red\n", "unknown column(s): colour"),
        (HEADER.replace(b"amount,", b"") + b"\n", "missing column(s): amount"),
        (HEADER + b",Amount\n", "the column 'amount' appears more than once"),
        (HEADER + b"\n" + GOOD + b"\n" + GOOD + b",extra\n", "more values than the header"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_posts_nothing(tenancies, files, data, message):
    path = files.raw("t.csv", data)
    result = import_file("transactions", path)
    if message is None:  # an optional column left out is fine
        assert result.ok and result.rows_posted == 1
        return
    assert not result.ok
    assert message in result.file_errors[0]
    assert result.rows_posted == 0
    assert Transaction.objects.count() == 0
    assert ImportBatch.objects.get(pk=result.batch_id).status == ImportBatch.Status.FAILED


def test_a_late_encoding_error_undoes_the_rows_posted_before_it(tenancies, files):
    rows = b"\n".join(f"C{i},T1,2024-04-01,charge,1.00,,,,,,".encode() for i in range(50))
    path = files.raw("t.csv", HEADER + b"\n" + rows + b"\nC99,T1,2024-04-01,charge,1,,,,,,\xff\n")
    result = import_file("transactions", path, batch_rows=10)
    assert result.file_errors and "not UTF-8" in result.file_errors[0]
    assert Transaction.objects.count() == 0


def test_random_binary_junk_is_refused(tenancies, files):
    junk = bytes((i * 7919 + 13) % 256 for i in range(3000))
    result = import_file("transactions", files.raw("junk.csv", junk))
    assert result.file_errors
    assert Transaction.objects.count() == 0


def test_column_names_are_matched_without_regard_to_case_or_spaces(tenancies, files):
    header = [f" {h.upper()} " for h in TX_HEADER]
    row = {h: v for h, v in zip(header, tx_row("C1").values(), strict=True)}
    result = import_file("transactions", files.csv("t.csv", [row], header))
    assert result.ok and result.rows_posted == 1


def test_a_missing_file_is_a_file_error(db, tmp_path):
    result = import_file("transactions", tmp_path / "nowhere.csv")
    assert "cannot read the file" in result.file_errors[0]


def test_an_unknown_kind_or_bad_source_is_refused_before_reading(db, tmp_path):
    with pytest.raises(ImportRefused, match="unknown kind 'rent'"):
        import_file("rent", tmp_path / "x.csv")
    with pytest.raises(ImportRefused, match="source name"):
        import_file("charges", tmp_path / "x.csv", source="x" * 31)
    with pytest.raises(ImportRefused, match="kept for entries rentbook posts"):
        import_file("transactions", tmp_path / "x.csv", source="writeoff")


def test_an_interrupted_import_leaves_nothing_half_posted(tenancies, files, monkeypatch):
    from rentbook.imports import transactions

    rows = [tx_row(f"C{i}") for i in range(10)]
    calls = []
    real = transactions._post

    def post_then_interrupt(out, good, run):
        inserted = real(out, good, run)
        calls.append(good.height)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return inserted

    monkeypatch.setattr(transactions, "_post", post_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        import_file("transactions", files.csv("t.csv", rows, TX_HEADER), batch_rows=3)
    assert calls == [3, 3]
    assert Transaction.objects.count() == 0
    assert not ImportBatch.objects.filter(kind="transactions").exists()
