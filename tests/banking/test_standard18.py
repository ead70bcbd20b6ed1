"""A generated Standard 18 file checked against the published record layout: field positions,
the contra record and the totals. Source of the layout: Bacs Payment Schemes Ltd, Standard 18
(Bacs Service User Guide), as restated field by field in tracey-stobbs/ddcms-direct-file-
generator, documentation/FileFormats/Bacs18PaymentLines.md (banking/standard18.py's table)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.banking import standard18
from rentbook.banking.files import collections_file, instructions_file, scheduled_on
from rentbook.banking.models import Collection, Frequency, Instruction, Mandate
from rentbook.ledger.models import Transaction

ORIGIN = standard18.Originator("123456", "201234", "87654321", "Anytown Council Rents")
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def fields(line: str) -> dict[str, str]:
    """A record cut at the published positions (1-based, inclusive)."""
    at = {
        "dest_sort": (1, 6), "dest_account": (7, 14), "type": (15, 15), "code": (16, 17),
        "orig_sort": (18, 23), "orig_account": (24, 31), "free": (32, 35), "amount": (36, 46),
        "name": (47, 64), "reference": (65, 82), "account_name": (83, 100), "day": (101, 106),
    }  # fmt: skip
    return {k: line[a - 1 : b] for k, (a, b) in at.items()}


def test_a_debit_record_has_each_field_at_its_published_position():
    item = standard18.Item("401234", "12345678", "17", 45_000, "RB000001", "Sam Tenant")
    line = standard18.debit(item, ORIGIN, date(2026, 12, 1))
    assert len(line) == 106
    f = fields(line)
    assert f == {
        "dest_sort": "401234", "dest_account": "12345678", "type": "0", "code": "17",
        "orig_sort": "201234", "orig_account": "87654321", "free": "    ",
        "amount": "00000045000", "name": "ANYTOWN COUNCIL RE", "reference": "RB000001          ",
        "account_name": "SAM TENANT        ", "day": " 26335",
    }  # fmt: skip


def test_the_processing_day_is_the_year_and_day_of_year():
    assert standard18.processing_day(date(2025, 7, 20)) == " 25201"
    assert standard18.processing_day(date(2024, 12, 31)) == " 24366"


amounts = st.integers(min_value=1, max_value=10**9)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_a_days_debits_end_with_one_contra_for_their_total(values):
    items = [
        standard18.Item("401234", f"{n:08d}", "17", v, f"RB{n:06d}", "Payer")
        for n, v in enumerate(values)
    ]
    lines = standard18.collection_lines(items, ORIGIN, date(2026, 12, 1))
    assert len(lines) == len(values) + 1 and all(len(x) == 106 for x in lines)
    body, contra = [fields(x) for x in lines[:-1]], fields(lines[-1])
    assert sum(int(f["amount"]) for f in body) == int(contra["amount"]) == sum(values)
    assert contra["code"] == "99"
    # the contra credits the service user's own account with the total
    assert (contra["dest_sort"], contra["dest_account"]) == ("201234", "87654321")
    assert contra["reference"].strip() == "CONTRA"
    assert {f["code"] for f in body} == {"17"}


def test_auddis_instructions_carry_no_amount_and_no_contra():
    items = [standard18.Item("401234", "12345678", "0N", 0, "RB000001", "Sam Tenant")]
    [line] = standard18.instruction_lines(items, ORIGIN, date(2026, 12, 1))
    assert fields(line)["amount"] == "0" * 11 and fields(line)["code"] == "0N"
    with pytest.raises(standard18.RecordError, match="no amount"):
        standard18.record(
            sort_code="401234", account_number="12345678", code="0C", origin=ORIGIN,
            amount=1, name="x", reference="RB000001", account_name="x",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("sort_code", "account", "why"),
    [("40123", "12345678", "sort code"), ("401234", "1234567", "account number")],
)
def test_a_record_with_bad_bank_details_is_refused(sort_code, account, why):
    item = standard18.Item(sort_code, account, "17", 100, "RB000001", "x")
    with pytest.raises(standard18.RecordError, match=why):
        standard18.debit(item, ORIGIN)


def test_text_outside_the_bacs_set_becomes_spaces():
    item = standard18.Item("401234", "12345678", "17", 100, "RB000001", "Siân O'Brien-Smith")
    assert fields(standard18.debit(item, ORIGIN))["account_name"] == "SI N O BRIEN-SMITH"


# ---- the files of a processing day -----------------------------------------------------------


@pytest.fixture
def bacs_env(monkeypatch):
    for k, v in {
        "RENTBOOK_BACS_SUN": "123456", "RENTBOOK_BACS_SORT_CODE": "201234",
        "RENTBOOK_BACS_ACCOUNT_NUMBER": "87654321", "RENTBOOK_BACS_NAME": "Anytown Rents",
    }.items():  # fmt: skip
        monkeypatch.setenv(k, v)


@pytest.mark.django_db
def test_a_new_mandate_is_lodged_then_collected_first_with_01_then_17(mandated, bacs_env, tmp_path):
    from rentbook.imports.services import import_file
    from tests.banking.conftest import mandate_row, write_csv

    account, _ = mandated
    import_file("mandates", write_csv(tmp_path / "n.csv", [mandate_row(
        "RB000002", account.reference, status="new", collection_day="1",
        first_collection="2026-12-01", amount="100.00")]), now=lambda: NOW)  # fmt: skip
    m = Mandate.objects.get(reference="RB000002")
    assert list(m.instructions.values_list("code", flat=True)) == ["0N"]
    auddis = instructions_file(date(2026, 11, 27), NOW)
    assert [fields(x)["code"] for x in auddis.content.splitlines()] == ["0N"]
    m.refresh_from_db()
    assert m.status == Mandate.Status.LODGED
    assert not Instruction.objects.filter(sent_in=None).exists()
    # the payer had the advance notice ten processing days before (tests/banking/test_notices)
    Mandate.objects.filter(pk=m.pk).update(notice_sent_on=date(2026, 11, 17))

    first = collections_file(date(2026, 12, 1), NOW)
    lines = first.content.splitlines()
    by_ref = {fields(x)["reference"].strip(): fields(x) for x in lines}
    assert by_ref["RB000002"]["code"] == "01" and by_ref["RB000001"]["code"] == "17"
    assert int(by_ref["CONTRA"]["amount"]) == first.total == 45_000 + 10_000
    assert first.records == 2
    assert Transaction.objects.filter(source="bacs", kind="payment").count() == 2
    from rentbook.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="banking.collections_file").count() == 1
    # the same day again is the same file: nothing collected twice
    assert collections_file(date(2026, 12, 1), NOW).pk == first.pk
    assert Collection.objects.count() == 2
    m.refresh_from_db()
    assert m.status == Mandate.Status.LIVE


def test_a_collection_due_on_a_bank_holiday_is_taken_the_next_processing_day():
    m = Mandate(frequency=Frequency.MONTHLY, collection_day=25, first_collection=date(2026, 1, 25))
    # 25 December 2026 is a Friday and Christmas; the 26th and 28th are holidays too
    assert scheduled_on(m, date(2026, 12, 24)) is None
    assert scheduled_on(m, date(2026, 12, 29)) == date(2026, 12, 25)
    weekly = Mandate(
        frequency=Frequency.WEEKLY, collection_day=5, first_collection=date(2026, 11, 7)
    )
    assert scheduled_on(weekly, date(2026, 11, 9)) == date(2026, 11, 7)  # a Saturday's, on Monday
    assert scheduled_on(weekly, date(2026, 11, 10)) is None


def test_a_file_is_refused_without_the_service_users_details(db, monkeypatch):
    from rentbook.banking.files import FileRefused

    monkeypatch.delenv("RENTBOOK_BACS_SUN", raising=False)
    with pytest.raises(FileRefused, match="RENTBOOK_BACS_SUN"):
        collections_file(date(2026, 12, 1), NOW)
    with pytest.raises(FileRefused, match="not a Bacs processing day"):
        collections_file(date(2026, 12, 25), NOW)


@pytest.mark.django_db
def test_the_last_collection_before_the_tenancy_ends_is_final_19(mandated, bacs_env):
    account, _ = mandated
    tenancy = account.tenancy
    tenancy.end_date = date(2026, 12, 20)  # before January's collection
    tenancy.save()
    f = collections_file(date(2026, 12, 1), NOW)
    assert [fields(x)["code"] for x in f.content.splitlines()] == ["19", "99"]
    # and none after the tenancy has ended
    assert collections_file(date(2027, 1, 4), NOW).content == ""


@pytest.mark.django_db
def test_the_bacs_command_writes_the_days_files(mandated, bacs_env, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bacs", "--on", "2026-12-01", "--out", str(tmp_path), stdout=out)
    assert "collections-2026-12-01.txt: 1 record, £450.00" in out.getvalue()
    text = (tmp_path / "collections-2026-12-01.txt").read_bytes()
    assert text.count(b"\r\n") == 2 and len(text.split(b"\r\n")[0]) == 106
    call_command("bacs", "--on", "2026-12-01", "--out", str(tmp_path), stdout=StringIO())
    assert Transaction.objects.filter(source="bacs").count() == 1
